// What a connector adds to receive its platform's webhooks: verify a delivery the way the platform signs it, map it to
// changes of positions and demand, and manage the subscriptions at the source (`stocksentry connector webhooks`).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PositionChange } from '../../shared/push/movements.js';
import type { ConnectorContext } from './contract.js';

export interface WebhookRequest {
  /** A request header, by case-insensitive name. */
  header(name: string): string | undefined;
  /** The raw body, exactly as received (signatures are over these bytes). */
  body: string;
}

export type WebhookReceipt =
  | { kind: 'delivery'; topic: string; deliveryId: string; payload: unknown }
  /** A platform's unsigned reachability check (WooCommerce pings a new webhook's URL): answered, never applied. */
  | { kind: 'ping' }
  | { kind: 'refused'; reason: string };

export interface WebhookDelivery { topic: string; deliveryId: string; payload: unknown; receivedAt: string }

export interface WebhookMapping {
  changes: PositionChange[];
  /** Parts of the delivery that could not be mapped (no SKU, unknown item): quarantined with the reason. */
  invalid: { reason: string; raw: unknown }[];
}

export interface WebhookSubscription { id: string; topic: string; url: string; status?: string }

export interface WebhookSupport<O> {
  /** The topics the hub subscribes to (the platform's own names). */
  topics: readonly string[];
  /** Checks the signature over the raw body (timing-safe) and reads the topic and the delivery's id. */
  receive(request: WebhookRequest, secret: string): WebhookReceipt;
  /** Keeps only what `map` reads, so a large payload still fits one queue message. */
  slim(topic: string, payload: unknown): unknown;
  /** The changes a verified delivery makes; ids come from the platform's records, so a redelivery changes nothing. */
  map(delivery: WebhookDelivery, ctx: ConnectorContext<O>): Promise<WebhookMapping>;
  list(ctx: ConnectorContext<O>): Promise<WebhookSubscription[]>;
  /** Subscribes `url` to every topic not yet subscribed there; `secret` where the platform takes one per subscription. */
  register(ctx: ConnectorContext<O>, url: string, secret: string): Promise<WebhookSubscription[]>;
  remove(ctx: ConnectorContext<O>, id: string): Promise<void>;
}

/** Base64 HMAC-SHA256 of the raw body, as Shopify and WooCommerce sign. */
export const base64Hmac = (body: string, secret: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/** Compares a base64 signature header with the body's HMAC without leaking timing. */
export function base64HmacMatches(body: string, given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const expected = Buffer.from(base64Hmac(body, secret), 'base64');
  const actual = Buffer.from(given.trim(), 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A delivery signed as Shopify and WooCommerce sign: the base64 HMAC-SHA256 of the raw body in `headers.signature`
 * (checked in constant time), the topic in `headers.topic`, the delivery's id in the first of `headers.delivery` present.
 */
export function verifyBase64Delivery(request: WebhookRequest, secret: string, headers: { signature: string; topic: string; delivery: string[]; secretName: string }): WebhookReceipt {
  if (!base64HmacMatches(request.body, request.header(headers.signature), secret)) {
    return { kind: 'refused', reason: `${headers.signature} does not match the body signed with ${headers.secretName}` };
  }
  const topic = request.header(headers.topic);
  if (!topic) return { kind: 'refused', reason: `no ${headers.topic} header` };
  let payload: unknown;
  try {
    payload = JSON.parse(request.body);
  } catch (error) {
    return { kind: 'refused', reason: `body is not JSON (${(error as Error).message})` };
  }
  const deliveryId = headers.delivery.map((h) => request.header(h)).find((v) => v !== undefined) ?? '';
  return { kind: 'delivery', topic, deliveryId, payload };
}
