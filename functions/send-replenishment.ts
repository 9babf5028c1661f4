// EventBridge ReplenishmentRequested → render the supplier's format → deliver with retries; a final failure throws for the DLQ.
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { parseHubConfig, type HubConfig } from '../shared/config.js';
import { documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoRequestStore } from '../shared/adapters/dynamodb/request-store.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../shared/replenishment/config.js';
import { RequestNotFoundError, SupplierUnknownError } from '../shared/replenishment/errors.js';
import { markSent, type ReplenishmentDeps } from '../shared/replenishment/service.js';
import { systemClock } from '../shared/ports.js';
import { replenishmentRequested } from '../events/replenishment.js';
import { credentialResolver, type CredentialResolver } from '../connectors/outbound/credentials.js';
import { deliver, DeliveryError, type DeliveryTransports } from '../connectors/outbound/deliver.js';
import { outboundFormat } from '../connectors/outbound/registry.js';

export interface SendDeps extends ReplenishmentDeps {
  transports: DeliveryTransports;
  /** The supplier's shared secret (signs webhooks, cXML SharedSecret). */
  secretFor: (supplier: ReplenishmentSupplier) => Promise<string | undefined>;
  fromEmail?: string;
  retry?: { attempts: number; baseDelayMs: number; sleep?: (ms: number) => Promise<void> };
}

export type SendOutcome = { status: 'sent'; revision: number; attempts: number } | { status: 'skipped'; reason: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  const secret = await deps.secretFor(supplier);
  const message = await outboundFormat(supplier.format).render(request, {
    supplier, buyerId: deps.config.buyerId, at: deps.clock.now(), ...(secret ? { secret } : {}), ...(deps.fromEmail ? { fromEmail: deps.fromEmail } : {}),
  });
  const { attempts, baseDelayMs, sleep: wait = sleep } = deps.retry ?? { attempts: 4, baseDelayMs: 500 };
  for (let attempt = 1; ; attempt++) {
    try {
      await deliver(message, deps.transports);
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

/** Lambda wiring from the environment: TABLE_NAME, HUB_CONFIG_JSON (the validated hub.config as JSON), FROM_EMAIL. */
export function replenishmentDepsFromEnv(env: NodeJS.ProcessEnv = process.env): ReplenishmentDeps & { hub: HubConfig; resolve: CredentialResolver } {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set; the stack sets it to the hub table name.');
  const hub = parseHubConfig(JSON.parse(env.HUB_CONFIG_JSON ?? '{}'), 'HUB_CONFIG_JSON');
  const config = replenishmentConfig.parse((hub as { replenishment?: unknown }).replenishment ?? {});
  return {
    hub, config, clock: systemClock, resolve: credentialResolver(env),
    requests: new DynamoRequestStore(documentClient(), tableName),
    suppliers: new Map(hub.suppliers.map((s) => [s.id, s as ReplenishmentSupplier])),
  };
}

let lambdaDeps: SendDeps | undefined;
export const handler = middy<EventBridgeEvent<string, unknown>, SendOutcome>().handler(async (event) => {
  if (!lambdaDeps) {
    const base = replenishmentDepsFromEnv();
    const secrets = new Map(base.hub.suppliers.map((s) => [s.id, s.secret]));
    lambdaDeps = { ...base, transports: {}, secretFor: (s) => base.resolve(secrets.get(s.id), `supplier ${s.id}`), ...(process.env.FROM_EMAIL ? { fromEmail: process.env.FROM_EMAIL } : {}) };
  }
  return createSendReplenishmentHandler(lambdaDeps)(event);
});
