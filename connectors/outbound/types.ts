// An outbound supplier format: a request in, a message ready to deliver out. Delivery is deliver.ts's job.
import type { ReplenishmentSupplier } from '../../shared/replenishment/config.js';
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';

export interface RenderContext {
  supplier: ReplenishmentSupplier;
  /** Who the hub is towards suppliers (replenishment.buyerId). */
  buyerId: string;
  /** The supplier's shared secret: signs webhooks, fills the cXML SharedSecret. */
  secret?: string;
  /** Sender address of order emails. */
  fromEmail?: string;
  at: Date;
}

export type OutboundMessage =
  | { kind: 'http'; url: string; contentType: string; headers: Record<string, string>; body: string }
  | { kind: 'email'; from: string; to: string[]; subject: string; raw: Buffer };

export interface OutboundFormat {
  /** The supplier config `format` value that selects this adapter. */
  name: string;
  render(request: ReplenishmentRequest, ctx: RenderContext): Promise<OutboundMessage>;
}

export class OutboundFormatError extends Error {
  constructor(readonly code: 'FORMAT_UNKNOWN' | 'SUPPLIER_ENDPOINT_MISSING' | 'SECRET_MISSING', message: string, readonly location: string) {
    super(message);
    this.name = 'OutboundFormatError';
  }
}

export function requireEndpoint(ctx: RenderContext): string {
  if (!ctx.supplier.endpoint) {
    throw new OutboundFormatError('SUPPLIER_ENDPOINT_MISSING', `Supplier ${ctx.supplier.id} uses format ${ctx.supplier.format} but has no endpoint; set suppliers[].endpoint in hub.config.`, `suppliers.${ctx.supplier.id}.endpoint`);
  }
  return ctx.supplier.endpoint;
}

export function requireSecret(ctx: RenderContext): string {
  if (!ctx.secret) {
    throw new OutboundFormatError('SECRET_MISSING', `Supplier ${ctx.supplier.id} has no shared secret to sign with; set suppliers[].secret in hub.config.`, `suppliers.${ctx.supplier.id}.secret`);
  }
  return ctx.secret;
}
