// Signed JSON webhook: the canonical order as the body, HMAC signature header from shared/signing.ts.
import { SIGNATURE_HEADER, sign } from '../../shared/signing.js';
import { toCanonicalOrder } from './canonical.js';
import { requireEndpoint, requireSecret, type OutboundFormat } from './types.js';

export const jsonWebhookFormat: OutboundFormat = {
  name: 'json',
  async render(request, ctx) {
    const body = JSON.stringify(toCanonicalOrder(request, ctx.buyerId, ctx.at));
    return {
      kind: 'http', url: requireEndpoint(ctx), contentType: 'application/json', body,
      headers: { [SIGNATURE_HEADER]: sign(body, requireSecret(ctx), ctx.at), 'idempotency-key': `${request.idempotencyKey}#${request.revision}` },
    };
  },
};
