// Supplier API: acknowledgements (accept / partial / reject) and ship notices as JSON or cXML, plus goods receipts.
// Every body is HMAC-signed by its sender, each message id is accepted once, and a refused message changes nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { formatPath, type HubConfig } from '../shared/config.js';
import type { CredentialResolver } from '../connectors/sdk/credentials.js';
import { SIGNATURE_HEADER, verify } from '../shared/signing.js';
import { redactMessageBody } from '../shared/redact.js';
import type { ReplenishmentRequest } from '../shared/replenishment/request.js';
import type { InboundWriter } from '../shared/replenishment/ports.js';
import { ReplenishmentError } from '../shared/replenishment/errors.js';
import { receiveSupplierMessage, recordReceipt, type ReplenishmentDeps } from '../shared/replenishment/service.js';
import { goodsReceipt, supplierMessage, type SupplierMessage } from '../shared/replenishment/wire.js';
import { cxmlResponse, cxmlSender, cxmlToSupplierMessage, parseCxml } from '../connectors/outbound/cxml.js';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { countBy, handlerLogger, metrics } from './observability.js';
import { awsServices } from './services.js';

/** The parts of an API Gateway HTTP API (v2) event this handler reads; node:http adapters can build it in a few lines. */
export interface AckApiEvent {
  rawPath: string;
  requestContext: { http: { method: string } };
  headers: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}
export interface AckApiResult { statusCode: number; headers: Record<string, string>; body: string }

/** Who may sign: a supplier (its `secret`), or a connector posting goods receipts (its `receiptSecret`). */
export type SenderKind = 'supplier' | 'receiptSource';

export interface AckApiDeps extends ReplenishmentDeps {
  inventory: InboundWriter;
  /** The shared secrets a sender of this kind signs with (two during a rotation); none means no such sender. */
  secretsFor: (senderId: string, kind: SenderKind) => Promise<string[]>;
  toleranceSeconds?: number;
  maxBodyBytes?: number;
}

class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string, readonly location?: string) {
    super(message);
    this.name = 'HttpError';
  }
}

const ROUTES: { pattern: RegExp; kind: 'ack' | 'shipNotice' | 'receipt' }[] = [
  { pattern: /^\/suppliers\/([^/]+)\/acks\/?$/, kind: 'ack' },
  { pattern: /^\/suppliers\/([^/]+)\/ship-notices\/?$/, kind: 'shipNotice' },
  { pattern: /^\/receipts\/([^/]+)\/?$/, kind: 'receipt' },
];

const STATUS_OF: Record<string, number> = {
  ACK_INVALID: 400, REQUEST_LINE_UNKNOWN: 400, ACK_SIGNATURE_INVALID: 401, SUPPLIER_UNKNOWN: 401, RECEIPT_FORBIDDEN: 403,
  REQUEST_NOT_FOUND: 404, ACK_REPLAYED: 409, REQUEST_STATE_INVALID: 409, REQUEST_CONFLICT: 503,
};

const header = (event: AckApiEvent, name: string): string | undefined =>
  Object.entries(event.headers).find(([k]) => k.toLowerCase() === name)?.[1];

const summary = (request: ReplenishmentRequest) => ({
  poNumber: request.idempotencyKey, state: request.state, revision: request.revision,
  lines: request.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.qty, status: l.status, confirmedQty: l.confirmedQty ?? null, promisedDate: l.promisedDate ?? null })),
});

function parseJson(body: string, contentType: string): unknown {
  if (!/^application\/json\b/.test(contentType)) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `content-type "${contentType}" is not supported; send application/json or text/xml (cXML)`);
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new HttpError(400, 'ACK_INVALID', `body: not valid JSON (${(error as Error).message})`, 'body');
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'PATH_INVALID', `path: "${segment.slice(0, 100)}" is not valid percent-encoding`, 'path');
  }
}

/** The first kind of sender `senderId` is whose secret signed the body; unknown senders and bad signatures get the same 401, so ids cannot be probed. */
async function authenticate(deps: AckApiDeps, event: AckApiEvent, body: string, senderId: string, kinds: SenderKind[]): Promise<{ kind: SenderKind; secrets: string[] }> {
  let reason = 'unknown sender or no credential configured';
  for (const kind of kinds) {
    const secrets = await deps.secretsFor(senderId, kind);
    if (secrets.length === 0) continue;
    const check = verify(body, header(event, SIGNATURE_HEADER), secrets, deps.clock.now(), deps.toleranceSeconds);
    if (check.ok) return { kind, secrets };
    reason = check.reason;
  }
  throw new HttpError(401, 'ACK_SIGNATURE_INVALID', `signature check failed for "${senderId}": ${reason}. Sign the raw body: ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
}

async function handle(deps: AckApiDeps, event: AckApiEvent): Promise<{ request: ReplenishmentRequest; kind: string }> {
  const route = ROUTES.map((r) => ({ ...r, match: r.pattern.exec(event.rawPath) })).find((r) => r.match);
  if (!route?.match) throw new HttpError(404, 'ROUTE_NOT_FOUND', `no route ${event.rawPath}; use /suppliers/{id}/acks, /suppliers/{id}/ship-notices or /receipts/{source}`);
  if (event.requestContext.http.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${event.requestContext.http.method} is not allowed; use POST`);
  const senderId = decodePathSegment(route.match[1] ?? '');
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
  if (Buffer.byteLength(body) > (deps.maxBodyBytes ?? 256 * 1024)) throw new HttpError(413, 'BODY_TOO_LARGE', 'body is larger than 256 KiB; split the message');
  // Receipts come from a receiving connector or from the order's own supplier; acks and notices from suppliers only.
  const { kind: senderKind, secrets } = await authenticate(deps, event, body, senderId, route.kind === 'receipt' ? ['receiptSource', 'supplier'] : ['supplier']);

  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  const xml = /^(text|application)\/xml\b/.test(contentType);
  if (route.kind === 'receipt') {
    if (xml) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'goods receipts are JSON only');
    const receipt = goodsReceipt.parse(parseJson(body, contentType));
    return { request: await recordReceipt(deps, senderId, receipt, redactMessageBody(body), senderKind === 'supplier' ? senderId : undefined), kind: 'receipt' };
  }
  const supplier = deps.suppliers.get(senderId);
  if (!supplier) throw new HttpError(401, 'SUPPLIER_UNKNOWN', `"${senderId}" is not a configured supplier`);
  let parsed: unknown;
  if (xml) {
    const root = parseCxml(body);
    const sender = cxmlSender(root);
    if (sender.identity !== (supplier.cxmlIdentity ?? supplier.id)) {
      throw new HttpError(403, 'SENDER_MISMATCH', `Header/Sender/Credential/Identity "${sender.identity ?? ''}" is not supplier ${senderId}'s identity`, 'Header.Sender.Credential.Identity');
    }
    if (sender.sharedSecret !== undefined && !secrets.includes(sender.sharedSecret)) {
      throw new HttpError(401, 'ACK_SIGNATURE_INVALID', 'Header/Sender/Credential/SharedSecret does not match the supplier credential', 'Header.Sender.Credential.SharedSecret');
    }
    parsed = cxmlToSupplierMessage(root);
  } else {
    parsed = parseJson(body, contentType);
  }
  const message: SupplierMessage = supplierMessage.parse(parsed);
  if (message.type !== route.kind) throw new HttpError(400, 'ACK_INVALID', `type: this route takes "${route.kind}" messages, got "${message.type}"`, 'type');
  // Kept for audit without its credentials (cXML SharedSecret, tokens).
  const outcome = await receiveSupplierMessage(deps, senderId, message, redactMessageBody(body));
  const request = outcome.requests.find((r) => r.idempotencyKey === message.poNumber) ?? outcome.requests[0];
  if (!request) throw new HttpError(500, 'INTERNAL', 'the acknowledgement produced no request state');
  return { request, kind: message.type };
}

function toError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue ? formatPath(issue.path) || '(body)' : '(body)';
    return new HttpError(400, 'ACK_INVALID', `${where}: ${issue?.message ?? 'invalid'}`, where);
  }
  if (error instanceof ReplenishmentError) {
    // A poNumber that is not this supplier's is answered like a missing one.
    const status = error.code === 'ACK_INVALID' && error.location === 'poNumber' ? 404 : STATUS_OF[error.code] ?? 500;
    return new HttpError(status, error.code, error.message, error.location);
  }
  return new HttpError(500, 'INTERNAL', 'internal error; the message was not applied, retry later');
}

/** This function's own logger: its lines carry its name wherever it runs (the local hub runs every handler in one process). */
const logger = handlerLogger('supplier-ack');

/** Refusals are warnings (the sender's mistake); only real faults are errors, with their cause. */
const logOutcome = ({ level, ...entry }: Record<string, unknown>): void => {
  if (level === 'error') logger.error('supplier message failed', entry);
  else logger.warn('supplier message refused', entry);
};

/** The handler factory: mount it on API Gateway, or on node:http locally. */
export function createSupplierAckHandler(deps: AckApiDeps, log: (entry: Record<string, unknown>) => void = logOutcome,
  onApplied: (kind: string, request: ReplenishmentRequest) => void = () => undefined) {
  return async (event: AckApiEvent): Promise<AckApiResult> => {
    const xml = /^(text|application)\/xml\b/.test((header(event, 'content-type') ?? '').toLowerCase());
    const now = deps.clock.now();
    try {
      const { request, kind } = await handle(deps, event);
      onApplied(kind, request);
      return xml
        ? { statusCode: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: cxmlResponse(200, 'OK', now) }
        : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok', kind, request: summary(request) }) };
    } catch (caught) {
      const error = toError(caught);
      log({ level: error.statusCode >= 500 ? 'error' : 'warn', code: error.code, path: event.rawPath, message: error.message, ...(error.statusCode >= 500 ? { cause: String(caught) } : {}) });
      return xml
        ? { statusCode: error.statusCode, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: cxmlResponse(error.statusCode, error.code, now, error.message) }
        : { statusCode: error.statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: error.code, message: error.message, ...(error.location ? { location: error.location } : {}) } }) };
    }
  };
}

/** What the local listener reads of a body at most, as API Gateway caps payloads: the handlers' own limits are lower. */
export const LISTENER_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Mounts the handler on node:http (the local runtime): builds the v2-like event from the request, body kept raw for the
 * signature. A body over `maxBodyBytes` is answered 413 as soon as it is known (by content-length or while reading),
 * and the rest is never read or buffered.
 */
export function nodeHttpListener(handler: (event: AckApiEvent) => Promise<AckApiResult>, maxBodyBytes = LISTENER_MAX_BODY_BYTES) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = (): void => {
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      res.on('finish', () => req.destroy());
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' })
        .end(JSON.stringify({ error: { code: 'BODY_TOO_LARGE', message: `body is larger than ${maxBodyBytes} bytes` } }));
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      tooLarge();
      return;
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) tooLarge();
      else chunks.push(c);
    });
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const event: AckApiEvent = { rawPath: new URL(req.url ?? '/', 'http://local').pathname, requestContext: { http: { method: req.method ?? 'GET' } }, headers, body: Buffer.concat(chunks).toString('utf8') };
      handler(event).then((out) => res.writeHead(out.statusCode, out.headers).end(out.body), (error: unknown) => res.writeHead(500).end(String(error)));
    });
  };
}

/**
 * The secrets each sender signs with, by kind: a supplier's `secret`, a connector's `receiptSecret`. Never a connector's
 * `credentials` (the token the hub reads the source with), so the supplier API cannot read those.
 */
export function configuredSecrets(config: Pick<HubConfig, 'suppliers' | 'connectors'>, resolve: CredentialResolver): AckApiDeps['secretsFor'] {
  return async (senderId, kind) => {
    const ref = kind === 'supplier' ? config.suppliers.find((s) => s.id === senderId)?.secret : config.connectors.find((c) => c.name === senderId)?.receiptSecret;
    return ref ? [await resolve(ref)] : [];
  };
}

let lambdaHandler: Promise<ReturnType<typeof createSupplierAckHandler>> | undefined;

/** Lambda entry (API Gateway HTTP API, payload v2): suppliers sign with their secret, connectors posting receipts with their receiptSecret. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    lambdaHandler ??= awsServices().then((hub) => createSupplierAckHandler({
      ...hub.replenishment, inventory: hub.store,
      secretsFor: configuredSecrets(hub.config, hub.credentials),
    }, logOutcome, (kind, request) => {
      if (kind !== 'ack') return;
      metrics.addMetric('RequestsAcknowledged', 'Count', 1);
      countBy('RequestsAcknowledged', 'supplier', [request.supplierId]);
    }));
    return (await lambdaHandler)(event as AckApiEvent);
  });
