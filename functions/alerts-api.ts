// The alerts HTTP API (API Gateway HTTP API, payload v2; the local runtime mounts the same handler on node:http).
// Staff routes need an authenticated caller (IAM on AWS, a bearer token locally); one-click links carry their own
// signed, single-purpose, expiring token and only act on POST, so mail scanners that prefetch links change nothing.
import { timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { toBusEntry } from '../events/alerts.js';
import {
  acknowledgeAlert, AckTokenInvalidError, AlertError, alertLinkPage, ApprovalLinkInvalidError, approvalLinkPage, commentAlert, linkPageLocale, resolveAlert, snoozeAlert, type LinkPage,
  ALERT_STATES, LABEL_NAMES, type AlertEvent, type AlertsSettings, type AlertSecrets, type AlertStore, type EventPublisher, type MessageStore,
} from '../shared/alerts/index.js';
import { ReplenishmentError } from '../shared/replenishment/errors.js';
import type { ReplenishmentDeps, ReplenishmentEvent } from '../shared/replenishment/service.js';
import { REPLENISHMENT_SOURCE } from '../events/replenishment.js';
import type { Clock } from '../shared/ports.js';
import { handlerLogger } from './observability.js';
import { awsAlertDeps, type AlertDeps } from './dispatch-alerts.js';

/** The parts of an API Gateway v2 event the API reads. */
export interface AlertsApiRequest {
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; path?: string }; authorizer?: { iam?: { userArn?: string } } };
}
export interface AlertsApiResponse { statusCode: number; headers: Record<string, string>; body: string }

export interface AlertsApiDeps {
  store: AlertStore;
  settings: AlertsSettings;
  secrets: AlertSecrets;
  clock: Clock;
  /** Where acknowledgements and resolutions go (the hub's bus); omitted, they are only stored. */
  bus?: EventPublisher;
  /** The alert sets behind "acknowledge all" links; omitted, such links answer 404. */
  messages?: MessageStore;
  /** Replenishment requests, for approve / reject links; omitted, such links answer 404. */
  requests?: ReplenishmentDeps;
  /** Product names for the pages links open. */
  items?: (skus: string[]) => Promise<ReadonlyMap<string, { name?: string }>>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const logger = handlerLogger('alerts-api');

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path: "${segment.slice(0, 100)}" is not valid percent-encoding`);
  }
};

const json = (statusCode: number, body: unknown): AlertsApiResponse =>
  ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (statusCode: number, page: LinkPage, lang = 'en'): AlertsApiResponse => ({
  statusCode, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  body: `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(page.title)}</title></head>`
    + `<body style="font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em;line-height:1.45"><h1 style="font-size:1.4em">${escapeHtml(page.title)}</h1>`
    + page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')
    + (page.list && page.list.length > 0 ? `<ul>${page.list.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '')
    + (page.after ?? []).map((p) => `<p>${escapeHtml(p)}</p>`).join('')
    + (page.forms ?? []).map((f) => `<form method="post" style="display:inline-block;margin:.5em .5em .5em 0">${Object.entries(f.fields ?? {}).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')}`
      + (f.reason ? `<label style="display:block;margin-bottom:.3em">${escapeHtml(f.reason)}<br><input name="reason" maxlength="500" style="width:20em"></label>` : '')
      + `<button type="submit" style="font-size:1.1em;padding:.5em 1em">${escapeHtml(f.button)}</button></form>`).join('')
    + (page.link ? `<p><a href="${escapeHtml(page.link.url)}">${escapeHtml(page.link.label)}</a></p>` : '')
    + '</body></html>',
});

const snoozeBody = z.object({ until: z.iso.datetime({ offset: true }).optional(), minutes: z.number().int().positive().max(60 * 24 * 30).optional(), note: z.string().max(2000).optional() })
  .refine((b) => b.until !== undefined || b.minutes !== undefined, 'give "until" (ISO time) or "minutes"');
const noteBody = z.object({ note: z.string().max(2000).optional() });
const commentBody = z.object({ note: z.string().min(1).max(2000) });
const silenceBody = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  match: z.partialRecord(z.enum(LABEL_NAMES), z.array(z.string()).min(1)).default({}),
  matchRe: z.partialRecord(z.enum(LABEL_NAMES), z.string()).default({}),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  minutes: z.number().int().positive().optional(),
  comment: z.string().min(1),
}).refine((b) => Object.keys(b.match).length + Object.keys(b.matchRe).length > 0, 'a silence needs at least one matcher (match or matchRe)')
  .refine((b) => b.endsAt !== undefined || b.minutes !== undefined, 'give "endsAt" (ISO time) or "minutes"');

function parseBody<T>(schema: z.ZodType<T>, req: AlertsApiRequest): T {
  let raw: unknown = {};
  if (req.body) {
    const text = req.isBase64Encoded ? Buffer.from(req.body, 'base64').toString('utf8') : req.body;
    try { raw = JSON.parse(text); } catch { throw new HttpError(400, 'body is not valid JSON'); }
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new HttpError(400, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

/** Who is calling a staff route, or an HttpError 401. */
function caller(req: AlertsApiRequest, deps: AlertsApiDeps): string {
  if (deps.settings.api.auth === 'iam') {
    const arn = req.requestContext.authorizer?.iam?.userArn;
    if (!arn) throw new HttpError(401, 'sign the request with AWS credentials (SigV4); this API uses IAM authorization');
    return arn;
  }
  const header = req.headers?.authorization ?? req.headers?.Authorization ?? '';
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(deps.secrets.apiBearerToken ?? '');
  if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'send "Authorization: Bearer <token>" with the hub\'s token (locally: the one `npm start` prints, apiToken in .stocksentry/secrets.json)');
  }
  return req.headers?.['x-stocksentry-user'] ?? 'api';
}

async function announce(deps: AlertsApiDeps, event: AlertEvent | undefined): Promise<void> {
  if (event && deps.bus) await deps.bus.putEvents([toBusEntry(event)]);
}

/** Form fields of a link page's POST (application/x-www-form-urlencoded). */
function formFields(req: AlertsApiRequest): Record<string, string> {
  if (!req.body) return {};
  const text = req.isBase64Encoded ? Buffer.from(req.body, 'base64').toString('utf8') : req.body;
  return Object.fromEntries(new URLSearchParams(text.slice(0, 4000)));
}

/** Replenishment events a decision made (a request to send): on the bus like the CLI's. */
async function announceAll(deps: AlertsApiDeps, events: readonly ReplenishmentEvent[]): Promise<void> {
  if (events.length > 0 && deps.bus) await deps.bus.putEvents(events.map((e) => ({ source: REPLENISHMENT_SOURCE, detailType: e.detailType, detail: e.detail as unknown as Record<string, unknown> })));
}

async function route(req: AlertsApiRequest, deps: AlertsApiDeps): Promise<AlertsApiResponse> {
  const method = req.requestContext.http.method.toUpperCase();
  const path = (req.rawPath ?? req.requestContext.http.path ?? '/').replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeSegment);
  const now = () => deps.clock.now();

  if ((parts[0] === 'a' || parts[0] === 'r') && parts.length === 2 && (method === 'GET' || method === 'POST')) {
    const locale = linkPageLocale(req.headers?.['accept-language'] ?? req.headers?.['Accept-Language']);
    const pageDeps = { ...deps, locale, announce: (e: AlertEvent | undefined) => announce(deps, e), announceRequests: (e: ReplenishmentEvent[]) => announceAll(deps, e) };
    const page = parts[0] === 'a' ? await alertLinkPage(method, parts[1]!, formFields(req), pageDeps) : await approvalLinkPage(method, parts[1]!, formFields(req), pageDeps);
    return html(page.status ?? 200, page, locale);
  }

  const by = caller(req, deps);
  if (parts[0] === 'alerts') {
    const fp = parts[1];
    if (!fp && method === 'GET') {
      const q = req.queryStringParameters ?? {};
      const states = q.state?.split(',').map((s) => z.enum(ALERT_STATES).safeParse(s.trim()));
      if (states?.some((s) => !s.success)) throw new HttpError(400, `state must be a comma-separated list of ${ALERT_STATES.join(', ')}`);
      const alerts = await deps.store.listAlerts({ states: states?.map((s) => s.data!), location: q.location, openedFrom: q.from, openedTo: q.to });
      return json(200, { alerts });
    }
    if (fp && parts.length === 2 && method === 'GET') {
      const alert = await deps.store.getAlert(fp);
      if (!alert) throw new HttpError(404, `no alert ${fp}`);
      return json(200, { alert, history: await deps.store.history(fp) });
    }
    if (fp && parts.length === 3 && method === 'POST') {
      switch (parts[2]) {
        case 'ack': {
          const { alert, event } = await acknowledgeAlert(deps, fp, { by, at: now(), note: parseBody(noteBody, req).note });
          await announce(deps, event);
          return json(200, { alert });
        }
        case 'resolve': {
          const { alert, event } = await resolveAlert(deps, fp, { by, at: now(), note: parseBody(noteBody, req).note });
          await announce(deps, event);
          return json(200, { alert });
        }
        case 'snooze': {
          const body = parseBody(snoozeBody, req);
          const until = body.until ? new Date(body.until) : new Date(now().getTime() + body.minutes! * 60_000);
          return json(200, { alert: await snoozeAlert(deps, fp, { by, at: now(), until, note: body.note }) });
        }
        case 'comment':
          return json(200, { alert: await commentAlert(deps, fp, { by, at: now(), note: parseBody(commentBody, req).note }) });
      }
    }
  }
  if (parts[0] === 'silences') {
    if (parts.length === 1 && method === 'GET') return json(200, { silences: [...deps.settings.silences, ...(await deps.store.listSilences())] });
    if (parts.length === 1 && method === 'POST') {
      const body = parseBody(silenceBody, req);
      const at = now();
      const silence = {
        id: body.id ?? `s-${at.getTime().toString(36)}`, match: body.match, matchRe: body.matchRe, startsAt: body.startsAt,
        endsAt: body.endsAt ?? new Date(at.getTime() + body.minutes! * 60_000).toISOString(), comment: body.comment, createdBy: by, createdAt: at.toISOString(),
      };
      await deps.store.putSilence(silence);
      return json(201, { silence });
    }
    if (parts.length === 2 && method === 'DELETE') {
      if (!(await deps.store.expireSilence(parts[1]!, now()))) throw new HttpError(404, `no silence ${parts[1]}`);
      return json(200, { expired: parts[1] });
    }
  }
  throw new HttpError(404, `no route ${method} ${path}`);
}

/** What the API needs of the alert services (the local runtime and the Lambda both build it from AlertDeps). */
export const apiDeps = (d: AlertDeps): AlertsApiDeps => ({
  store: d.store, settings: d.settings, secrets: d.secrets, clock: d.clock, bus: d.bus,
  ...(d.messages ? { messages: d.messages } : {}), ...(d.requests ? { requests: d.requests } : {}), ...(d.items ? { items: d.items } : {}),
});

/** Plain async function: the Lambda wraps it in middy, the local runtime calls it from node:http. */
export function createAlertsApiHandler(deps: AlertsApiDeps | (() => Promise<AlertsApiDeps>)) {
  const resolve = typeof deps === 'function' ? deps : () => Promise.resolve(deps);
  return async (req: AlertsApiRequest): Promise<AlertsApiResponse> => {
    const isLink = /^\/[ar]\//.test(req.rawPath ?? req.requestContext.http.path ?? '');
    try {
      return await route(req, await resolve());
    } catch (error) {
      const [status, message] = error instanceof HttpError ? [error.status, error.message]
        : error instanceof AckTokenInvalidError ? [error.code === 'ACK_TOKEN_EXPIRED' ? 410 : 403, error.message]
          : error instanceof ApprovalLinkInvalidError ? [error.code === 'APPROVAL_LINK_EXPIRED' ? 410 : 403, error.message]
            : error instanceof AlertError ? [error.code === 'ALERT_NOT_FOUND' ? 404 : 409, error.message]
              : error instanceof ReplenishmentError ? [error.code === 'REQUEST_NOT_FOUND' ? 404 : 409, error.message]
                : [500, 'internal error; see the logs'];
      if (status === 500) logger.error('alerts api failed', { error: error as Error });
      return isLink ? html(status, { title: 'Could not do that', paragraphs: [message] }) : json(status, { error: message });
    }
  };
}

export const handler = middy(createAlertsApiHandler(async () => {
  const deps = await awsAlertDeps();
  return apiDeps(deps);
})).use(injectLambdaContext(logger));
