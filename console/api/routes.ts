// The console API: one handler for the local hub's HTTP server and the Lambda behind the stack's HTTP API. The caller
// (principal) is established before this runs — the local token or the Cognito JWT — and every action is authorized
// here, on the server, against the thing it touches.
import { z } from 'zod';
import { toBusEntry } from '../../events/alerts.js';
import { REPLENISHMENT_SOURCE } from '../../events/replenishment.js';
import type { DynamoHealthStore } from '../../shared/adapters/dynamodb/health-store.js';
import {
  acknowledgeAlert, ACTIVE_STATES, AlertError, commentAlert, matchRoutes, resolveAlert, snoozeAlert,
  type Alert, type AlertEvent, type AlertsSettings, type AlertStore, type EventPublisher,
} from '../../shared/alerts/index.js';
import { describeAlert } from '../../shared/alerts/describe.js';
import { messageContext, paragraph } from '../../shared/alerts/render.js';
import type { HubConfig } from '../../shared/config.js';
import { LOCALES } from '../../shared/i18n/index.js';
import { refusal, type ConsoleAction, type ConsolePrincipal } from '../../shared/console-access.js';
import { evaluatePosition } from '../../shared/engine/index.js';
import { historyFromMonths } from '../../shared/evaluation/history.js';
import { buildSnapshot } from '../../shared/evaluation/snapshot-builder.js';
import { alertFlow } from '../../shared/health/flow.js';
import { cellMatches, summarizeHealth, type HealthCell } from '../../shared/health/model.js';
import type { Location } from '../../shared/model.js';
import type { Clock, InventoryStore } from '../../shared/ports.js';
import { ReplenishmentError, RequestRevisionChangedError } from '../../shared/replenishment/errors.js';
import { buildScorecard } from '../../shared/replenishment/lead-time.js';
import { REQUEST_STATES, type ReplenishmentRequest } from '../../shared/replenishment/request.js';
import { decide, type ReplenishmentDeps, type ReplenishmentEvent } from '../../shared/replenishment/service.js';
import { addDays, toDay } from '../../shared/time.js';
import {
  alertActionBody, alertsQuery, decisionBody, overviewQuery, silenceBody,
  type ActionResult, type AlertDetail, type AlertGroupView, type AlertsPage, type AlertView, type AlertWords, type ConnectorHealth, type Me, type Overview, type PositionPage,
  type RequestDetail, type RequestSummary, type RevisionConflict, type SalesDay, type SupplierDetail, type SupplierLateness, type SupplierRow, type TimelineEntry, type WordsByLocale,
} from './schema.js';

/** The sync-connector handler's record of the last successful sync (functions/sync-connector.ts). */
export const LAST_SYNC_CURSOR = '_lastSync';

export interface ConsoleApiDeps {
  config: HubConfig;
  clock: Clock;
  store: Pick<InventoryStore, 'getPosition' | 'getItem' | 'getItems' | 'getDemand' | 'getSupplier' | 'getCursor' | 'listQuarantine'>;
  alertStore: AlertStore;
  alertSettings: AlertsSettings;
  health: Pick<DynamoHealthStore, 'cells'>;
  replenishment: ReplenishmentDeps;
  bus?: EventPublisher;
}

export interface ConsoleRequest {
  method: string;
  /** Below the API root, e.g. `/alerts/abc/ack`. */
  path: string;
  query: Record<string, string | undefined>;
  body?: string;
  principal: ConsolePrincipal;
}
export interface ConsoleResponse { status: number; body: unknown }

export class ConsoleHttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) { super(message); }
}

const ok = (body: unknown): ConsoleResponse => ({ status: 200, body });

type Describable = Parameters<typeof describeAlert>[0];

/**
 * What the messages say about each alert, in every console language (the page picks its own): product and location
 * names, money in the hub's currency, what can still help. The engine's one-line `message` is a log line, not this.
 */
async function wordsFor(deps: ConsoleApiDeps, alerts: readonly Describable[]): Promise<WordsByLocale[]> {
  const skus = [...new Set(alerts.map((a) => a.sku).filter((s) => s))];
  const items = skus.length > 0 ? await deps.store.getItems(skus) : new Map();
  const now = deps.clock.now();
  const contexts = LOCALES.map((locale) => [locale, messageContext({ locale }, deps.alertSettings.messages, now, items)] as const);
  const directory = deps.alertSettings.messages;
  return alerts.map((alert) => {
    // Facts that hold an id (nextInboundSupplier, backupSupplierId, …) are shown by name.
    const names = Object.fromEntries(Object.entries(alert.facts ?? {}).flatMap(([key, v]) => {
      const name = typeof v === 'string' ? (/supplier/i.test(key) ? directory.suppliers : /location/i.test(key) ? directory.locations : undefined)?.get(v)?.name : undefined;
      return name ? [[key, name]] : [];
    }));
    return Object.fromEntries(contexts.map(([locale, ctx]) => {
      const view = describeAlert(alert, ctx);
      return [locale, { subject: view.subject, text: paragraph(locale, view.sentences), suggestions: view.suggestions, names } satisfies AlertWords];
    })) as WordsByLocale;
  });
}

async function withWords(deps: ConsoleApiDeps, alerts: readonly Alert[]): Promise<AlertView[]> {
  const words = await wordsFor(deps, alerts);
  return alerts.map((a, i) => ({ ...a, words: words[i]! }));
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConsoleHttpError(400, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

function jsonBody(req: ConsoleRequest): unknown {
  if (!req.body) return {};
  try { return JSON.parse(req.body); } catch { throw new ConsoleHttpError(400, 'body is not valid JSON'); }
}

function deny(p: ConsolePrincipal, action: ConsoleAction): void {
  const r = refusal(p, action);
  if (r) throw new ConsoleHttpError(403, r.reason);
}

const locationsOf = (config: HubConfig): Map<string, Location> => new Map(config.locations.map((l) => [l.id, l]));
const visible = (p: ConsolePrincipal, locationId: string) => !p.locations || p.locations.includes(locationId);
const timeZoneOf = (config: HubConfig, locationId: string): string => config.locations.find((l) => l.id === locationId)?.timeZone ?? 'UTC';

function intervalMinutes(schedule: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(schedule);
  return rate ? Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute' | 'hour' | 'day'] : 1440;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const summary = (r: ReplenishmentRequest): RequestSummary => ({
  id: r.idempotencyKey, supplierId: r.supplierId, locationId: r.locationId, state: r.state, revision: r.revision,
  total: r.total, currency: r.currency, lines: r.lines.filter((l) => l.status !== 'cancelled').length, orderDay: r.orderDay, updatedAt: r.updatedAt,
});

async function allRequests(deps: ConsoleApiDeps): Promise<ReplenishmentRequest[]> {
  const lists = await Promise.all(REQUEST_STATES.map((s) => deps.replenishment.requests.listByState(s)));
  return lists.flat();
}

async function overview(deps: ConsoleApiDeps, req: ConsoleRequest): Promise<Overview> {
  const filter = parse(overviewQuery, req.query);
  const p = req.principal;
  const now = deps.clock.now();
  const locations = locationsOf(deps.config);
  const [cells, active, resolved, archived, pending] = await Promise.all([
    deps.health.cells(),
    deps.alertStore.listAlerts({ states: [...ACTIVE_STATES] }),
    deps.alertStore.listAlerts({ states: ['resolved'], openedFrom: addDays(toDay(now), -13), openedTo: now.toISOString() }),
    deps.alertStore.listArchivedAlerts(addDays(toDay(now), -13), now.toISOString()),
    deps.replenishment.requests.listByState('pending_approval'),
  ]);
  const mine = (c: Pick<HealthCell, 'locationId'>) => visible(p, c.locationId);
  const alertInFilter = (a: Alert) => (!a.locationId ? !p.locations && !filter.location && !filter.locationGroup && !filter.channel && !filter.category
    : visible(p, a.locationId) && cellMatches({ locationId: a.locationId, category: a.labels.category ?? '-' }, { ...filter, category: undefined }, locations)
      && (!filter.category || a.labels.category === filter.category));
  const alerts = [...active, ...resolved, ...archived].filter(alertInFilter);
  const connectors: ConnectorHealth[] = await Promise.all(deps.config.connectors.map(async (c) => {
    const [last, quarantine] = await Promise.all([deps.store.getCursor(c.name, LAST_SYNC_CURSOR), deps.store.listQuarantine(c.name)]);
    const reasons = new Map<string, number>();
    for (const q of quarantine) reasons.set(q.reason, (reasons.get(q.reason) ?? 0) + 1);
    return {
      name: c.name, type: c.type, lastSyncAt: last ?? null, lagMinutes: last ? Math.round((now.getTime() - Date.parse(last)) / 60_000) : null,
      intervalMinutes: intervalMinutes(c.schedule), quarantined: quarantine.length,
      reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count).slice(0, 5),
    };
  }));
  const suppliers: SupplierLateness[] = (await Promise.all(deps.config.suppliers.map(async (s) => {
    const card = buildScorecard(s.id, s.leadTimeDays, await deps.replenishment.requests.listObservations(s.id), deps.replenishment.config.leadTimeRisk);
    return {
      supplierId: s.id, ...(s.name ? { name: s.name } : {}), quotedLeadTimeDays: s.leadTimeDays, recentMeanDays: card.recentMeanDays,
      onTimeRate: card.onTimeRate, lateness: card.receipts ? Math.round((card.recentMeanDays / s.leadTimeDays) * 100) / 100 : 0,
    };
  }))).sort((a, b) => b.lateness - a.lateness || a.supplierId.localeCompare(b.supplierId)).slice(0, 5);
  return {
    asOf: now.toISOString(), currency: deps.replenishment.config.currency, filter,
    health: summarizeHealth(cells.filter(mine), filter, locations),
    flow: alertFlow(alerts, now),
    connectors, suppliers,
    openAlerts: active.filter(alertInFilter).filter((a) => a.state !== 'acknowledged').length,
    pendingApprovals: pending.filter((r) => visible(p, r.locationId) && (!filter.location || r.locationId === filter.location)).length,
  };
}

/** Groups as the notifications group them: the first matching route's group_by labels. */
function groupAlerts(alerts: readonly Alert[], settings: AlertsSettings): AlertGroupView[] {
  const groups = new Map<string, AlertGroupView>();
  for (const a of alerts) {
    const route = matchRoutes(settings.route, a.labels)[0];
    const labels = Object.fromEntries((route?.groupBy ?? []).map((l) => [l, (a.labels as Record<string, string | undefined>)[l] ?? '']));
    const key = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'all';
    const g = groups.get(key) ?? { key, labels, alerts: [] };
    g.alerts.push(a);
    groups.set(key, g);
  }
  const rank = { critical: 2, warning: 1, info: 0 } as const;
  for (const g of groups.values()) g.alerts.sort((x, y) => rank[y.severity] - rank[x.severity] || y.openedAt.localeCompare(x.openedAt));
  return [...groups.values()].sort((a, b) => b.alerts.length - a.alerts.length || a.key.localeCompare(b.key));
}

async function alertsPage(deps: ConsoleApiDeps, req: ConsoleRequest): Promise<AlertsPage> {
  const q = parse(alertsQuery, req.query);
  const now = deps.clock.now();
  const locations = locationsOf(deps.config);
  const states = q.state ?? [...ACTIVE_STATES];
  const list = await deps.alertStore.listAlerts({
    states, location: q.location,
    ...(states.includes('resolved') ? { openedFrom: addDays(toDay(now), -30), openedTo: now.toISOString() } : {}),
  });
  const alerts = list.filter((a) => (!a.locationId ? !req.principal.locations : visible(req.principal, a.locationId))
    && (!q.severity || q.severity.includes(a.severity)) && (!q.type || q.type.includes(a.type))
    && (!q.category || a.labels.category === q.category) && (!q.locationGroup || a.labels.locationGroup === q.locationGroup)
    && (!q.channel || locations.get(a.locationId)?.kind === q.channel));
  return { groups: groupAlerts(await withWords(deps, alerts), deps.alertSettings), total: alerts.length };
}

async function alertDetail(deps: ConsoleApiDeps, req: ConsoleRequest, fp: string): Promise<AlertDetail> {
  const alert = await deps.alertStore.getAlert(fp);
  if (!alert) throw new ConsoleHttpError(404, `no alert ${fp}`);
  if (alert.locationId) deny(req.principal, { kind: 'read-location', locationId: alert.locationId });
  const [[described], history] = await Promise.all([withWords(deps, [alert]), deps.alertStore.history(fp)]);
  return { alert: described!, history, timeZone: timeZoneOf(deps.config, alert.locationId) };
}

async function actOnAlerts(deps: ConsoleApiDeps, req: ConsoleRequest): Promise<ActionResult> {
  const body = parse(alertActionBody, jsonBody(req));
  const by = req.principal.user;
  const alerts = { store: deps.alertStore };
  const result: ActionResult = { done: [], refused: [] };
  const events: AlertEvent[] = [];
  for (const fp of [...new Set(body.fingerprints)]) {
    const alert = await deps.alertStore.getAlert(fp);
    if (!alert) { result.refused.push({ fingerprint: fp, reason: `no alert ${fp}`, status: 404 }); continue; }
    const why = refusal(req.principal, { kind: 'act-on-alert', locationId: alert.locationId });
    if (why) { result.refused.push({ fingerprint: fp, reason: why.reason, status: 403 }); continue; }
    const at = deps.clock.now();
    try {
      let after: Alert;
      if (body.action === 'ack') {
        const out = await acknowledgeAlert(alerts, fp, { by, at, note: body.note });
        after = out.alert;
        if (out.event) events.push(out.event);
      } else if (body.action === 'resolve') {
        const out = await resolveAlert(alerts, fp, { by, at, note: body.note });
        after = out.alert;
        if (out.event) events.push(out.event);
      } else if (body.action === 'snooze') {
        after = await snoozeAlert(alerts, fp, { by, at, note: body.note, until: new Date(at.getTime() + body.minutes! * 60_000) });
      } else {
        after = await commentAlert(alerts, fp, { by, at, note: body.note! });
      }
      result.done.push({ fingerprint: fp, state: after.state });
    } catch (error) {
      if (!(error instanceof AlertError)) throw error;
      result.refused.push({ fingerprint: fp, reason: error.message, status: error.code === 'ALERT_NOT_FOUND' ? 404 : 409 });
    }
  }
  if (events.length && deps.bus) await deps.bus.putEvents(events.map(toBusEntry));
  // One alert refused outright is the caller's error; a group with some refused reports them per alert.
  if (result.done.length === 0 && result.refused.length > 0 && body.fingerprints.length === 1) {
    const { reason, status } = result.refused[0]!;
    throw new ConsoleHttpError(status, reason);
  }
  return result;
}

async function silence(deps: ConsoleApiDeps, req: ConsoleRequest): Promise<unknown> {
  deny(req.principal, { kind: 'silence' });
  const body = parse(silenceBody, jsonBody(req));
  if (req.principal.locations && !(body.match.location ?? []).every((l) => visible(req.principal, l))) throw new ConsoleHttpError(403, 'a silence may only cover your own locations');
  const at = deps.clock.now();
  const s = {
    id: `s-${at.getTime().toString(36)}`, match: body.match, matchRe: {}, endsAt: new Date(at.getTime() + body.minutes * 60_000).toISOString(),
    comment: body.comment, createdBy: req.principal.user, createdAt: at.toISOString(),
  };
  await deps.alertStore.putSilence(s);
  return { silence: s };
}

const SALES_DAYS = 120;

async function positionPage(deps: ConsoleApiDeps, req: ConsoleRequest, sku: string, locationId: string): Promise<PositionPage> {
  deny(req.principal, { kind: 'read-location', locationId });
  const { config, store } = deps;
  const now = deps.clock.now();
  const asOf = toDay(now);
  const position = await store.getPosition(sku, locationId);
  if (!position) throw new ConsoleHttpError(404, `no position ${sku} at ${locationId}`);
  const item = await store.getItem(sku);
  const [demand, supplier] = await Promise.all([
    store.getDemand(sku, locationId, addDays(asOf, -(config.rules.historyDays - 1)), asOf),
    item?.supplierId ? store.getSupplier(item.supplierId) : Promise.resolve(undefined),
  ]);
  const supplierConfig = config.suppliers.find((s) => s.id === item?.supplierId);
  // The same snapshot and evaluation the pipeline and `stocksentry explain` use, with the day-by-day projection.
  const snapshot = buildSnapshot({ position, history: historyFromMonths(demand), item, supplier, supplierConfig, asOf, rules: config.rules });
  const decision = evaluatePosition(snapshot, config.rules, { projection: true });
  const sales: SalesDay[] = [];
  const oos = new Set(snapshot.demand.outOfStock ?? []);
  const start = Math.max(0, snapshot.demand.daily.length - SALES_DAYS);
  for (let i = start; i < snapshot.demand.daily.length; i++) sales.push({ day: addDays(snapshot.demand.start, i), qty: snapshot.demand.daily[i]!, outOfStock: oos.has(i) });
  const [alerts, requests] = await Promise.all([
    deps.alertStore.listAlerts({ states: ['open', 'escalated', 'acknowledged', 'resolved'], location: locationId, openedFrom: addDays(asOf, -90), openedTo: now.toISOString() }),
    item?.supplierId ? deps.replenishment.requests.listBySupplier(item.supplierId) : Promise.resolve([]),
  ]);
  // Findings read like the alerts they would raise.
  const findingWords = await wordsFor(deps, decision.alerts.map((f) => ({ ...f, sku, locationId, labels: {} }) as unknown as Describable));
  return {
    sku, locationId, timeZone: timeZoneOf(config, locationId), currency: deps.replenishment.config.currency, item: item ?? null, position, snapshot, decision, sales,
    findingWords: Object.fromEntries(decision.alerts.map((f, i) => [f.type, findingWords[i]!])),
    inbound: position.inbound.map((l) => ({ eta: l.eta, qty: l.qty, ...(l.supplierId ? { supplierId: l.supplierId } : {}), ...(l.ref ? { ref: l.ref } : {}) })).sort((a, b) => a.eta.localeCompare(b.eta)),
    alerts: await withWords(deps, alerts.filter((a) => a.sku === sku).sort((a, b) => b.openedAt.localeCompare(a.openedAt))),
    requests: requests.filter((r) => r.locationId === locationId && r.lines.some((l) => l.sku === sku)).map(summary).sort((a, b) => b.orderDay.localeCompare(a.orderDay)),
  };
}

function timeline(r: ReplenishmentRequest, messages: { kind: string; receivedAt: string; senderId: string }[]): TimelineEntry[] {
  const out: TimelineEntry[] = [{ kind: 'planned', at: r.createdAt, detail: r.replannedFrom ? `replanned from ${r.replannedFrom}` : r.approval.reason }];
  if (r.approval.decidedAt) out.push({ kind: r.state === 'cancelled' ? 'cancelled' : 'approved', at: r.approval.decidedAt, detail: r.approval.decidedBy });
  if (r.sentAt) out.push({ kind: 'sent', at: r.sentAt, detail: `revision ${r.sentRevision ?? r.revision}` });
  for (const m of messages) {
    const kind = m.kind === 'ack' ? 'acknowledged' : m.kind === 'shipNotice' ? 'shipped' : 'received';
    const promised = kind === 'acknowledged' ? [...new Set(r.lines.flatMap((l) => (l.promisedDate ? [l.promisedDate] : [])))].sort().join(', ') : '';
    out.push({ kind, at: m.receivedAt, detail: promised ? `promised ${promised}` : m.senderId });
  }
  if (r.ackedAt && !messages.some((m) => m.kind === 'ack')) out.push({ kind: 'acknowledged', at: r.ackedAt });
  for (const l of r.lines.filter((x) => x.replannedTo)) out.push({ kind: 'replanned', at: r.updatedAt, detail: `${l.sku} → ${l.replannedTo}` });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

async function getRequest(deps: ConsoleApiDeps, req: ConsoleRequest, id: string): Promise<ReplenishmentRequest> {
  const request = await deps.replenishment.requests.get(id);
  if (!request) throw new ConsoleHttpError(404, `no replenishment request ${id}`);
  deny(req.principal, { kind: 'read-location', locationId: request.locationId });
  return request;
}

async function requestDetail(deps: ConsoleApiDeps, req: ConsoleRequest, id: string): Promise<RequestDetail> {
  const request = await getRequest(deps, req, id);
  const messages = await deps.replenishment.requests.listMessages(id);
  const why = request.state === 'pending_approval' ? refusal(req.principal, { kind: 'decide-request', locationId: request.locationId, total: request.total }) : undefined;
  return { request, timeline: timeline(request, messages), canDecide: request.state !== 'pending_approval' ? 'not waiting for approval' : why?.reason ?? null };
}

const seenLines = z.object({ lines: z.array(z.object({ sku: z.string(), qty: z.number() })), total: z.number() }).optional();

async function decideRequest(deps: ConsoleApiDeps, req: ConsoleRequest, id: string, action: 'approve' | 'cancel'): Promise<ConsoleResponse> {
  const raw = jsonBody(req) as { seen?: unknown };
  const body = parse(decisionBody, raw);
  const seen = parse(seenLines, raw.seen);
  const request = await getRequest(deps, req, id);
  deny(req.principal, { kind: 'decide-request', locationId: request.locationId, total: request.total });
  try {
    const out = await decide(deps.replenishment, id, { action, by: req.principal.user, revision: body.revision, ...(body.reason ? { reason: body.reason } : {}) });
    if (deps.bus && out.events.length) await deps.bus.putEvents(out.events.map((e: ReplenishmentEvent) => ({ source: REPLENISHMENT_SOURCE, detailType: e.detailType, detail: e.detail as unknown as Record<string, unknown> })));
    return ok({ request: out.requests[0] ?? request });
  } catch (error) {
    if (!(error instanceof RequestRevisionChangedError)) throw error;
    const current = (await deps.replenishment.requests.get(id)) ?? request;
    // What changed since the seen revision: from the request's own history when it is on record, else from the screen.
    const recorded = error.changes;
    const before = new Map(recorded
      ? [...recorded.removed.map((l) => [l.sku, l.qty] as const), ...recorded.changed.map((c) => [c.sku, c.fromQty] as const)]
      : (seen?.lines ?? []).map((l) => [l.sku, l.qty] as const));
    const after = new Map(recorded
      ? [...recorded.added.map((l) => [l.sku, l.qty] as const), ...recorded.changed.map((c) => [c.sku, c.toQty] as const)]
      : current.lines.filter((l) => l.status !== 'cancelled').map((l) => [l.sku, l.qty] as const));
    const conflict: RevisionConflict = {
      error: error.message, code: 'REVISION_CHANGED', seenRevision: body.revision, currentRevision: current.revision,
      changes: [...new Set([...before.keys(), ...after.keys()])].sort()
        .filter((sku) => before.get(sku) !== after.get(sku))
        .map((sku) => ({ sku, before: before.get(sku) ?? null, after: after.get(sku) ?? null })),
      totalBefore: seen?.total ?? recorded?.totalFrom ?? null, totalAfter: current.total,
    };
    return { status: 409, body: conflict };
  }
}

async function supplierRows(deps: ConsoleApiDeps): Promise<SupplierRow[]> {
  return Promise.all(deps.config.suppliers.map(async (s) => {
    const [observations, requests] = await Promise.all([deps.replenishment.requests.listObservations(s.id), deps.replenishment.requests.listBySupplier(s.id)]);
    const card = buildScorecard(s.id, s.leadTimeDays, observations, deps.replenishment.config.leadTimeRisk);
    const ackHours = requests.filter((r) => r.sentAt && r.ackedAt).map((r) => (Date.parse(r.ackedAt!) - Date.parse(r.sentAt!)) / 3_600_000);
    const m = median(ackHours);
    return {
      ...card, ...(s.name ? { name: s.name } : {}),
      openRequests: requests.filter((r) => !['closed', 'cancelled', 'rejected'].includes(r.state)).length,
      ackHours: { median: m === null ? null : Math.round(m * 10) / 10, count: ackHours.length },
    };
  }));
}

async function supplierDetail(deps: ConsoleApiDeps, req: ConsoleRequest, id: string): Promise<SupplierDetail> {
  if (!deps.config.suppliers.some((s) => s.id === id)) throw new ConsoleHttpError(404, `no supplier ${id}`);
  const [rows, requests, observations] = await Promise.all([
    supplierRows(deps), deps.replenishment.requests.listBySupplier(id), deps.replenishment.requests.listObservations(id),
  ]);
  return {
    supplier: rows.find((r) => r.supplierId === id)!,
    requests: requests.filter((r) => visible(req.principal, r.locationId)).map(summary).sort((a, b) => b.orderDay.localeCompare(a.orderDay)),
    leadTimes: observations.map((o) => ({ receivedOn: o.receivedOn, sku: o.sku, leadTimeDays: o.leadTimeDays, ...(o.onTime !== undefined ? { onTime: o.onTime } : {}) }))
      .sort((a, b) => a.receivedOn.localeCompare(b.receivedOn)),
  };
}

function me(deps: ConsoleApiDeps, p: ConsolePrincipal): Me {
  const locs = deps.config.locations;
  return {
    user: p.user, group: p.group, locations: p.locations ? [...p.locations] : null, approvalLimit: p.approvalLimit ?? null,
    currency: deps.replenishment.config.currency, allLocations: locs.filter((l) => visible(p, l.id)),
    locationGroups: [...new Set(locs.flatMap((l) => (l.group ? [l.group] : [])))].sort(),
    channels: [...new Set(locs.map((l) => l.kind))].sort(),
  };
}

async function route(deps: ConsoleApiDeps, req: ConsoleRequest): Promise<ConsoleResponse> {
  const method = req.method.toUpperCase();
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, sub, extra] = parts;
  const get = method === 'GET';
  const post = method === 'POST';
  if (head === 'me' && get && parts.length === 1) return ok(me(deps, req.principal));
  if (head === 'overview' && get && parts.length === 1) return ok(await overview(deps, req));
  if (head === 'alerts') {
    if (!id && get) return ok(await alertsPage(deps, req));
    if (id === 'actions' && post && parts.length === 2) return ok(await actOnAlerts(deps, req));
    if (id && get && parts.length === 2) return ok(await alertDetail(deps, req, id));
  }
  if (head === 'silences' && post && parts.length === 1) return { status: 201, body: await silence(deps, req) };
  if (head === 'positions' && get && id && sub && parts.length === 3) return ok(await positionPage(deps, req, id, sub));
  if (head === 'requests') {
    if (!id && get) {
      const state = req.query.state;
      const list = (await allRequests(deps)).filter((r) => visible(req.principal, r.locationId) && (!state || r.state === state));
      return ok({ requests: list.map(summary).sort((a, b) => b.orderDay.localeCompare(a.orderDay) || a.id.localeCompare(b.id)) });
    }
    if (id && get && parts.length === 2) return ok(await requestDetail(deps, req, id));
    if (id && post && (sub === 'approve' || sub === 'reject') && !extra) return decideRequest(deps, req, id, sub === 'approve' ? 'approve' : 'cancel');
  }
  if (head === 'suppliers') {
    if (!id && get) return ok({ suppliers: await supplierRows(deps) });
    if (id && get && parts.length === 2) return ok(await supplierDetail(deps, req, id));
  }
  throw new ConsoleHttpError(404, `no route ${method} /${parts.join('/')}`);
}

/** Errors become JSON answers with a status; anything unexpected is a 500 whose details stay in the log. */
export function createConsoleApi(deps: ConsoleApiDeps | (() => Promise<ConsoleApiDeps>), onError: (error: unknown) => void = () => undefined) {
  const resolve = typeof deps === 'function' ? deps : () => Promise.resolve(deps);
  return async (req: ConsoleRequest): Promise<ConsoleResponse> => {
    try {
      return await route(await resolve(), req);
    } catch (error) {
      if (error instanceof ConsoleHttpError) return { status: error.status, body: { error: error.message, ...error.extra } };
      if (error instanceof AlertError) return { status: error.code === 'ALERT_NOT_FOUND' ? 404 : 409, body: { error: error.message } };
      if (error instanceof ReplenishmentError) return { status: error.code === 'REQUEST_NOT_FOUND' ? 404 : 409, body: { error: error.message, code: error.code } };
      onError(error);
      return { status: 500, body: { error: 'internal error; see the logs' } };
    }
  };
}
