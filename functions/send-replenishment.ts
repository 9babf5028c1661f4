// EventBridge ReplenishmentRequested → render the supplier's format → deliver with retries; a final failure throws for the DLQ.
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { ReplenishmentSupplier } from '../shared/replenishment/config.js';
import type { ReplenishmentRequest } from '../shared/replenishment/request.js';
import { RequestNotFoundError, SupplierUnknownError } from '../shared/replenishment/errors.js';
import { claimSend, markSent, releaseSend, type ReplenishmentDeps } from '../shared/replenishment/service.js';
import { replenishmentRequested } from '../events/replenishment.js';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { deliver, DeliveryError, type DeliveryTransports } from '../connectors/outbound/deliver.js';
import { outboundFormat } from '../connectors/outbound/registry.js';
import type { OutboundMessage } from '../connectors/outbound/types.js';
import { sesEmailTransport } from '../connectors/outbound/ses.js';
import { countBy, logger, metrics } from './observability.js';
import { awsServices } from './services.js';

export interface SendDeps extends ReplenishmentDeps {
  transports: DeliveryTransports;
  /** The supplier's shared secret (signs webhooks, cXML SharedSecret). */
  secretFor: (supplier: ReplenishmentSupplier) => Promise<string | undefined>;
  fromEmail?: string;
  retry?: { attempts: number; baseDelayMs: number; sleep?: (ms: number) => Promise<void> };
  /** Keeps a copy of what the supplier received (locally: outbox/suppliers/). */
  record?: (message: OutboundMessage, request: ReplenishmentRequest) => Promise<void>;
}

export type SendOutcome = { status: 'sent'; revision: number; attempts: number } | { status: 'skipped'; reason: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a sender's claim holds: well past the function's 60 s timeout, so only a crashed sender's claim lapses. */
export const SEND_CLAIM_MS = 5 * 60_000;

/** Sends the request's current revision unless it was already sent or is not approved (a duplicate event is harmless). */
export async function sendReplenishment(deps: SendDeps, detailInput: unknown): Promise<SendOutcome> {
  const detail = replenishmentRequested.parse(detailInput);
  const request = await deps.requests.get(detail.idempotencyKey);
  if (!request) throw new RequestNotFoundError(detail.idempotencyKey);
  if (request.state !== 'approved') return { status: 'skipped', reason: `request is ${request.state}` };
  if (request.sentRevision === request.revision) return { status: 'skipped', reason: `revision ${request.revision} was already sent` };
  const supplier = deps.suppliers.get(request.supplierId);
  if (!supplier) throw new SupplierUnknownError(request.supplierId);
  if (!supplier.endpoint && supplier.format !== 'email') return { status: 'skipped', reason: `supplier ${supplier.id} has no endpoint; the request is recorded only` };
  // Duplicate events may arrive at once: only the one that claims this revision sends it.
  if (!(await claimSend(deps, request.idempotencyKey, request.revision, SEND_CLAIM_MS))) {
    return { status: 'skipped', reason: `revision ${request.revision} is being sent or was sent by another delivery` };
  }
  try {
    return await deliverClaimed(deps, request, supplier);
  } catch (error) {
    await releaseSend(deps, request.idempotencyKey, request.revision).catch(() => undefined);
    throw error;
  }
}

async function deliverClaimed(deps: SendDeps, request: ReplenishmentRequest, supplier: ReplenishmentSupplier): Promise<SendOutcome> {
  const secret = await deps.secretFor(supplier);
  const message = await outboundFormat(supplier.format).render(request, {
    supplier, buyerId: deps.config.buyerId, at: deps.clock.now(), ...(secret ? { secret } : {}), ...(deps.fromEmail ? { fromEmail: deps.fromEmail } : {}),
  });
  const { attempts, baseDelayMs, sleep: wait = sleep } = deps.retry ?? { attempts: 4, baseDelayMs: 500 };
  for (let attempt = 1; ; attempt++) {
    try {
      await deliver(message, deps.transports);
      await deps.record?.(message, request);
      await markSent(deps, request.idempotencyKey, request.revision);
      return { status: 'sent', revision: request.revision, attempts: attempt };
    } catch (error) {
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      if (!retryable || attempt >= attempts) throw error;
      await wait(baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

export function createSendReplenishmentHandler(deps: SendDeps) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<SendOutcome> => sendReplenishment(deps, event.detail);
}

let lambdaDeps: Promise<SendDeps> | undefined;

/** Lambda: the hub's services (HUB_CONFIG inlined by the stack, TABLE_NAME) and each supplier's secret from Secrets Manager. */
export function awsSendDeps(): Promise<SendDeps> {
  lambdaDeps ??= awsServices().then((hub) => ({
    ...hub.replenishment,
    transports: { email: sesEmailTransport(new SESv2Client({})) },
    secretFor: async (supplier) => {
      const ref = hub.config.suppliers.find((s) => s.id === supplier.id)?.secret;
      return ref ? hub.credentials(ref) : undefined;
    },
    ...(process.env.FROM_EMAIL ? { fromEmail: process.env.FROM_EMAIL } : {}),
  }));
  return lambdaDeps;
}

export const handler = middy<EventBridgeEvent<string, unknown>, SendOutcome>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const outcome = await createSendReplenishmentHandler(await awsSendDeps())(event);
    metrics.addMetric('RequestsSent', 'Count', outcome.status === 'sent' ? 1 : 0);
    if (outcome.status === 'sent') countBy('RequestsSent', 'supplier', [String((event.detail as { supplierId?: unknown }).supplierId)]);
    return outcome;
  });
