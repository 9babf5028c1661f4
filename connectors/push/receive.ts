// The push API's receiving side: checks who sent a request (the hub's HMAC scheme for movement and reading sources,
// each platform's own signature for webhooks), its size and its records, and turns what it accepts into envelopes for
// the applier. It never touches the table: on AWS it only enqueues, so a burst waits in SQS instead of being lost.
import type { HubConfig } from '../../shared/config.js';
import type { Clock } from '../../shared/ports.js';
import { checkBatch, type RecordError } from '../../shared/push/batch.js';
import { movementSchema } from '../../shared/push/movements.js';
import { readingSchema } from '../../shared/push/readings.js';
import { SIGNATURE_HEADER, verify } from '../../shared/signing.js';
import type { CredentialResolver } from '../sdk/credentials.js';
import { webhooksFor, type PushEnvelope } from './envelope.js';

export interface PushHttpRequest {
  method: string;
  /** The path, e.g. /push/movements/wms. */
  path: string;
  headers: Record<string, string | undefined>;
  /** The raw body (signatures are over these bytes). */
  body: string;
}

export interface PushHttpResponse { status: number; body: Record<string, unknown> }

export interface ReceiveDeps {
  config: HubConfig;
  credentials: CredentialResolver;
  clock: Clock;
}

export const PUSH_ROUTES = ['movements', 'readings', 'webhooks'] as const;
const ROUTE = /^\/push\/(movements|readings|webhooks)\/([^/]+)\/?$/;

const error = (status: number, code: string, message: string): { response: PushHttpResponse; envelopes: PushEnvelope[] } =>
  ({ response: { status, body: { error: { code, message } } }, envelopes: [] });

const headerOf = (req: PushHttpRequest) => (name: string): string | undefined =>
  Object.entries(req.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

/** Checks a request and returns the answer for the sender and the envelopes to apply. */
export async function receivePush(deps: ReceiveDeps, req: PushHttpRequest): Promise<{ response: PushHttpResponse; envelopes: PushEnvelope[] }> {
  const push = deps.config.push;
  const route = ROUTE.exec(req.path);
  if (!push || !route) return error(404, 'ROUTE_NOT_FOUND', `no route ${req.path}; use POST /push/movements/{source}, /push/readings/{source} or /push/webhooks/{connector}`);
  if (req.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed; use POST`);
  if (Buffer.byteLength(req.body) > push.maxBodyBytes) return error(413, 'BODY_TOO_LARGE', `body is larger than ${push.maxBodyBytes} bytes; split the batch`);
  const kind = route[1] as (typeof PUSH_ROUTES)[number];
  const name = decodeURIComponent(route[2]!);
  const header = headerOf(req);
  const now = deps.clock.now();
  const receivedAt = now.toISOString();

  if (kind === 'webhooks') {
    const entry = push.webhooks.find((w) => w.connector === name);
    const connector = deps.config.connectors.find((c) => c.name === name);
    const support = connector && webhooksFor(connector.type);
    // Unknown connectors and bad signatures get the same answer, so names cannot be probed.
    if (!entry || !support) return error(401, 'SIGNATURE_INVALID', `signature check failed for "${name}"`);
    const receipt = support.receive({ header, body: req.body }, await deps.credentials(entry.secret));
    if (receipt.kind === 'ping') return { response: { status: 200, body: { status: 'ok' } }, envelopes: [] };
    if (receipt.kind === 'refused') return error(401, 'SIGNATURE_INVALID', `signature check failed for "${name}": ${receipt.reason}`);
    return {
      response: { status: 200, body: { status: 'accepted', deliveryId: receipt.deliveryId } },
      envelopes: [{ kind: 'webhook', connector: name, topic: receipt.topic, deliveryId: receipt.deliveryId, payload: support.slim(receipt.topic, receipt.payload), receivedAt }],
    };
  }

  const source = push.sources.find((s) => s.name === name);
  const secrets = source ? await Promise.all([source.secret, ...(source.previousSecret ? [source.previousSecret] : [])].map((ref) => deps.credentials(ref))) : [];
  const check = secrets.length ? verify(req.body, header(SIGNATURE_HEADER), secrets, now) : { ok: false as const, reason: 'unknown source or no secret configured' };
  if (!check.ok) return error(401, 'SIGNATURE_INVALID', `signature check failed for "${name}": ${check.reason}. Sign the raw body: ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
  if (!/^application\/json\b/i.test(header('content-type') ?? '')) return error(415, 'UNSUPPORTED_MEDIA_TYPE', `content-type "${header('content-type') ?? ''}" is not supported; send application/json`);
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch (e) {
    return error(400, 'BODY_INVALID', `body: not valid JSON (${(e as Error).message})`);
  }
  const checked = kind === 'movements'
    ? checkBatch(body, 'movements', movementSchema(now), { max: push.maxBatch, idKey: 'eventId' })
    : checkBatch(body, 'readings', readingSchema(push.sensors, now), { max: push.maxBatch, idKey: 'sensorId' });
  if (!checked.ok) return error(checked.status, checked.status === 413 ? 'BATCH_TOO_LARGE' : 'BODY_INVALID', checked.message);

  const envelopes: PushEnvelope[] = [];
  if (checked.accepted.length > 0) {
    envelopes.push(kind === 'movements'
      ? { kind: 'movements', source: name, movements: checked.accepted, receivedAt }
      : { kind: 'readings', source: name, readings: checked.accepted, receivedAt });
  }
  if (checked.rejected.length > 0) {
    envelopes.push({ kind: 'rejected', source: name, stream: kind, records: checked.rejected.map((r) => ({ reason: reasonOf(r), raw: r.raw })), receivedAt });
  }
  const rejected = checked.rejected.map(({ raw: _raw, ...r }) => r);
  // Nothing usable in the batch is an error of the batch; otherwise the good records are in and the bad ones listed.
  const status = checked.accepted.length === 0 && rejected.length > 0 ? 422 : 202;
  return { response: { status, body: { accepted: checked.accepted.length, rejected } }, envelopes };
}

const reasonOf = (r: RecordError) => r.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
