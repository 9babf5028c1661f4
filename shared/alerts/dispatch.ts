// Dispatch: routes alert events to receivers, batches them into groups (group_wait, group_interval, repeat_interval),
// honours silences, snoozes and time windows, and hands rendered notifications to the publisher.
import { createHash } from 'node:crypto';
import type { AlertsSettings } from './config.js';
import type { ApprovalTask } from '../replenishment/approval.js';
import { AlertError, GroupConflictError, isSnoozed, isSupplierAlert, type Alert, type AlertEvent, type Silence } from './model.js';
import type { AlertGroup, AlertPublisher, AlertStore, MessageStore, NotificationKind } from './ports.js';
import { buildApprovalNotification } from './approval-message.js';
import type { LinkSettings } from './message.js';
import { buildNotification } from './render.js';
import { activeSilence, groupKey, isMuted, matchRoutes, routeById, type EffectiveRoute, type RouteLabels } from './routing.js';

export interface DispatchDeps {
  store: AlertStore;
  settings: AlertsSettings;
  publisher: AlertPublisher;
  now: Date;
  /** Ack links in messages; omit to send messages without links. */
  links?: LinkSettings;
  /** Product names of SKUs (the synced items); omitted, messages name SKUs only. */
  items?: (skus: string[]) => Promise<ReadonlyMap<string, { name?: string }>>;
  /** Where "acknowledge all" sets and what buyers were last sent are kept; omitted, messages link single alerts only. */
  messages?: MessageStore;
}

const NO_ITEMS: ReadonlyMap<string, { name?: string }> = new Map();
const itemNames = async (deps: DispatchDeps, skus: readonly string[]) =>
  (deps.items ? deps.items([...new Set(skus.filter(Boolean))]) : NO_ITEMS);

/** A buyer's SMS has room for a short link only: the request and revision it decides are stored behind it. */
async function approvalLinkSet(deps: DispatchDeps, notificationId: string, receiver: string, task: ApprovalTask): Promise<string | undefined> {
  if (!deps.links || !deps.messages) return undefined;
  const id = notificationId.slice(0, 16);
  await deps.messages.putLinkSet({
    id, receiver, fingerprints: [], approval: { requestKey: task.idempotencyKey, revision: task.revision }, createdAt: deps.now.toISOString(),
    expiresAt: new Date(deps.now.getTime() + deps.links.ttlMs).toISOString(),
  });
  return id;
}

/** The alerts a message told, stored before it is sent so its "acknowledge all N" link acknowledges exactly them. */
async function linkSetFor(deps: DispatchDeps, notificationId: string, receiver: string, firing: readonly Alert[]): Promise<string | undefined> {
  if (!deps.links || !deps.messages || firing.length < 2) return undefined;
  const id = notificationId.slice(0, 16);
  await deps.messages.putLinkSet({
    id, receiver, fingerprints: firing.map((a) => a.fingerprint), createdAt: deps.now.toISOString(),
    expiresAt: new Date(deps.now.getTime() + deps.links.ttlMs).toISOString(),
  });
  return id;
}

export interface DispatchReport {
  /** Notifications handed to the publisher. */
  sent: number;
  /** Fingerprints whose route has no receiver (set a receiver on the root route to catch them). */
  unrouted: string[];
  /** Alerts held back by a silence or snooze, or by a mute window. */
  silenced: number;
  muted: number;
  failed: { groupKey: string; error: string }[];
}

/** An escalation or approval task could not be delivered; rethrown so the trigger retries (groups retry on the next flush instead). */
export class AlertDeliveryError extends AlertError {
  constructor(readonly failures: DispatchReport['failed'], what = 'escalation') {
    super('ALERT_DELIVERY_FAILED', `Could not deliver ${failures.length} ${what}(s): ${failures.map((f) => `${f.groupKey}: ${f.error}`).join('; ')}. The event will be retried.`);
  }
}

const MAX_ATTEMPTS = 5;
const emptyReport = (): DispatchReport => ({ sent: 0, unrouted: [], silenced: 0, muted: 0, failed: [] });
const plus = (at: Date | string, ms: number): string => new Date(new Date(at).getTime() + ms).toISOString();
const earliest = (...times: (string | undefined)[]): string | undefined =>
  times.filter((t): t is string => t !== undefined).sort()[0];

async function silencesAt(deps: DispatchDeps): Promise<Silence[]> {
  return [...deps.settings.silences, ...(await deps.store.listSilences())];
}

/** Handles events from the bus, then flushes every group that is due (including the ones just touched). */
export async function dispatch(events: readonly AlertEvent[], deps: DispatchDeps): Promise<DispatchReport> {
  const report = emptyReport();
  const silences = await silencesAt(deps);
  const escalationFailures: DispatchReport['failed'] = [];
  for (const event of events) {
    if (event.type === 'AlertEscalated') {
      escalationFailures.push(...(await sendEscalation(event, deps, silences, report)));
      continue;
    }
    if (event.type === 'AlertAcknowledged') continue;
    if (event.type === 'AlertResolved' && event.reason === 'superseded') continue;
    for (const route of matchRoutes(deps.settings.route, event.alert.labels)) {
      if (!route.receiver) { report.unrouted.push(event.alert.fingerprint); continue; }
      if (event.type === 'AlertResolved' && !route.sendResolved) continue;
      await scheduleGroup(route, route.receiver, event.alert, event.type === 'AlertRaised', deps);
    }
  }
  await flushInto(report, deps, silences);
  report.failed.push(...escalationFailures);
  if (escalationFailures.length > 0) throw new AlertDeliveryError(escalationFailures);
  return report;
}

/** Sends an escalation straight to the step's receivers (not grouped); returns what could not be delivered. */
async function sendEscalation(event: Extract<AlertEvent, { type: 'AlertEscalated' }>, deps: DispatchDeps, silences: Silence[], report: DispatchReport): Promise<DispatchReport['failed']> {
  const alert = event.alert;
  if (isSnoozed(alert, deps.now) || activeSilence(silences, alert.labels, deps.now)) { report.silenced++; return []; }
  const failed: DispatchReport['failed'] = [];
  for (const name of event.receivers) {
    const groupKey = `escalation/${alert.fingerprint}`;
    const receiver = deps.settings.receivers.find((r) => r.name === name);
    if (!receiver) { failed.push({ groupKey, error: `no receiver named "${name}"` }); continue; }
    try {
      await deps.publisher.publish(buildNotification({
        id: `${event.id}:${name}`, kind: 'escalation', receiver, groupKey,
        groupLabels: isSupplierAlert(alert) ? { supplier: alert.supplierId ?? '' } : { location: alert.locationId },
        firing: [alert], resolved: [], now: deps.now, links: deps.links, directory: deps.settings.messages, items: await itemNames(deps, [alert.sku]),
      }));
      report.sent++;
    } catch (error) {
      failed.push({ groupKey, error: (error as Error).message });
    }
  }
  return failed;
}

/** What routes and silences see of an approval task: one label set per category (or one without, when it has none). */
export function approvalLabels(task: ApprovalTask): RouteLabels[] {
  const base: RouteLabels = { kind: 'approval', severity: 'info', supplier: task.labels.supplier, location: task.labels.location };
  return task.labels.category.length > 0 ? task.labels.category.map((category) => ({ ...base, category })) : [base];
}

/**
 * Tells the buyers a replenishment request waits for approval: routed like alerts (a route matching `kind: approval`,
 * or supplier / location / category), honouring silences, sent at once (a decision is wanted, not a digest).
 * Each receiver hears once per task revision; throws AlertDeliveryError so the event is retried.
 */
export async function notifyApproval(task: ApprovalTask, deps: DispatchDeps): Promise<DispatchReport> {
  const report = emptyReport();
  const silences = await silencesAt(deps);
  const targets = new Map<string, { route: EffectiveRoute; receiver: string; labels: RouteLabels }>();
  for (const labels of approvalLabels(task)) {
    if (activeSilence(silences, labels, deps.now)) { report.silenced++; continue; }
    for (const route of matchRoutes(deps.settings.route, labels)) {
      if (!route.receiver) {
        if (!report.unrouted.includes(`approval:${task.idempotencyKey}`)) report.unrouted.push(`approval:${task.idempotencyKey}`);
        continue;
      }
      targets.set(`${route.id}/${route.receiver}`, { route, receiver: route.receiver, labels });
    }
  }
  for (const { route, receiver: name, labels } of targets.values()) {
    const { key, groupLabels } = groupKey(route, name, labels);
    const receiver = deps.settings.receivers.find((r) => r.name === name);
    if (!receiver) { report.failed.push({ groupKey: key, error: `no receiver named "${name}"` }); continue; }
    const id = createHash('sha256').update(['approval', task.idempotencyKey, String(task.revision), key].join('\n')).digest('hex').slice(0, 24);
    try {
      // What this receiver saw last: the message says what changed since then, and never mentions versions it did not see.
      const seen = await deps.messages?.getApprovalSeen(task.idempotencyKey, name);
      const smsLinkSetId = receiver.phones.length > 0 ? await approvalLinkSet(deps, id, name, task) : undefined;
      await deps.publisher.publish(buildApprovalNotification({
        id, receiver, groupKey: key, groupLabels, task, now: deps.now, directory: deps.settings.messages, items: await itemNames(deps, task.lines.map((l) => l.sku)),
        ...(deps.links ? { links: deps.links } : {}), ...(seen && seen.revision < task.revision ? { seen } : {}), ...(smsLinkSetId ? { smsLinkSetId } : {}),
      }));
      if (!seen || seen.revision < task.revision) {
        await deps.messages?.putApprovalSeen({
          requestKey: task.idempotencyKey, receiver: name, revision: task.revision, total: task.total,
          lines: task.lines.map((l) => ({ sku: l.sku, qty: l.qty, amount: l.amount })), sentAt: deps.now.toISOString(),
        });
      }
      report.sent++;
    } catch (error) {
      report.failed.push({ groupKey: key, error: (error as Error).message });
    }
  }
  if (report.failed.length > 0) throw new AlertDeliveryError(report.failed, 'approval task');
  return report;
}

/** Adds the alert to its group and decides when the group is looked at next. Conditional, retried on a race. */
async function scheduleGroup(route: EffectiveRoute, receiver: string, alert: Alert, raised: boolean, deps: DispatchDeps): Promise<void> {
  const { key, groupLabels } = groupKey(route, receiver, alert.labels);
  const now = deps.now.toISOString();
  for (let attempt = 1; ; attempt++) {
    const group = await deps.store.getGroup(key);
    const members = group?.members ?? [];
    const idle = members.length === 0;
    // A fresh group waits group_wait to collect its siblings; a running one sends changes at most every group_interval.
    const intervalEnds = group?.lastNotifiedAt ? plus(group.lastNotifiedAt, route.groupInterval) : now;
    const wanted = idle || !group?.lastNotifiedAt ? plus(now, route.groupWait) : intervalEnds > now ? intervalEnds : now;
    const nextFlushAt = group?.nextFlushAt && !idle ? earliest(group.nextFlushAt, wanted) : wanted;
    const nextMembers = raised && !members.includes(alert.fingerprint) ? [...members, alert.fingerprint] : members;
    if (group && nextMembers === members && nextFlushAt === group.nextFlushAt) return;
    const next: AlertGroup = {
      key, routeId: route.id, receiver, groupLabels, members: nextMembers, notified: group?.notified ?? [],
      lastNotifiedAt: group?.lastNotifiedAt, nextFlushAt, version: (group?.version ?? 0) + 1,
    };
    try {
      await deps.store.saveGroup(next, group?.version);
      return;
    } catch (error) {
      if (!(error instanceof GroupConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * Sends what is due in every group whose time has come. Run it every minute (the escalation schedule does).
 * `dueBy` takes groups due up to then (a one-shot run need not wait out group_wait); messages still say `now`.
 */
export async function flushDueGroups(deps: DispatchDeps & { dueBy?: Date }): Promise<DispatchReport> {
  return flushInto(emptyReport(), deps, await silencesAt(deps), deps.dueBy);
}

async function flushInto(report: DispatchReport, deps: DispatchDeps, silences: Silence[], dueBy = deps.now): Promise<DispatchReport> {
  for (const group of await deps.store.listDueGroups(dueBy)) await flushGroup(group, deps, silences, report);
  return report;
}

const entry = (a: Alert): string => `${a.fingerprint}:${a.alertId}:${a.severity}`;

async function flushGroup(group: AlertGroup, deps: DispatchDeps, silences: Silence[], report: DispatchReport): Promise<void> {
  const { now, settings } = deps;
  const route = routeById(settings.route, group.routeId);
  const receiver = settings.receivers.find((r) => r.name === group.receiver);
  if (!route || route.receiver !== group.receiver || !receiver) {
    // The config changed under this group: retire it; its alerts are routed afresh when raised again.
    await saveQuietly(deps.store, { ...group, members: [], nextFlushAt: undefined, version: group.version + 1 }, group.version);
    return;
  }
  const alerts = await deps.store.getAlerts(group.members);
  const live = alerts.filter((a) => a.state !== 'resolved');
  const notifiedIds = new Set(group.notified.map((e) => e.split(':').slice(0, 2).join(':')));
  const resolved = route.sendResolved
    ? alerts.filter((a) => a.state === 'resolved' && a.resolution !== 'superseded' && notifiedIds.has(`${a.fingerprint}:${a.alertId}`))
    : [];
  const quiet = live.filter((a) => a.state !== 'acknowledged' && (isSnoozed(a, now) || activeSilence(silences, a.labels, now)));
  const eligible = live.filter((a) => a.state !== 'acknowledged' && !quiet.includes(a));
  const muted = isMuted(route, settings.timeWindows, now);
  const firing = muted ? eligible.filter((a) => route.muteExceptSeverities.includes(a.severity)) : eligible;
  report.silenced += quiet.length;
  report.muted += eligible.length - firing.length;

  const entries = firing.map(entry).sort();
  const changed = entries.some((e) => !group.notified.includes(e));
  const repeatDue = firing.length > 0 && group.lastNotifiedAt !== undefined && now.getTime() - Date.parse(group.lastNotifiedAt) >= route.repeatInterval;
  const kind: NotificationKind | undefined = changed ? 'firing' : repeatDue ? 'repeat' : resolved.length > 0 ? 'resolved' : undefined;

  let current = group;
  let sent = false;
  if (kind) {
    // Claim the send first: a concurrent flusher loses the race instead of sending twice; if this process dies
    // before recording the send, the lease (group_interval) makes the group due again, so nothing is lost.
    const claimed: AlertGroup = { ...group, nextFlushAt: plus(now, route.groupInterval), version: group.version + 1 };
    try {
      await deps.store.saveGroup(claimed, group.version);
    } catch (error) {
      if (error instanceof GroupConflictError) return;
      throw error;
    }
    current = claimed;
    const id = createHash('sha256').update([group.key, kind, group.lastNotifiedAt ?? '', ...entries, ...resolved.map(entry)].join('\n')).digest('hex').slice(0, 24);
    try {
      const linkSetId = await linkSetFor(deps, id, receiver.name, firing);
      await deps.publisher.publish(buildNotification({
        id, kind, receiver, groupKey: group.key, groupLabels: group.groupLabels, firing, resolved, now, links: deps.links,
        directory: settings.messages, items: await itemNames(deps, [...firing, ...resolved].map((a) => a.sku)), ...(linkSetId ? { linkSetId } : {}),
      }));
      report.sent++;
      sent = true;
    } catch (error) {
      report.failed.push({ groupKey: group.key, error: (error as Error).message });
    }
  }

  const lastNotifiedAt = sent ? now.toISOString() : group.lastNotifiedAt;
  const notified = sent ? entries : group.notified;
  const members = live.map((a) => a.fingerprint);
  // Look again when something could change: a failed send, a mute window ending, a repeat, a snooze or silence ending.
  const wakeUps = [
    kind && !sent ? plus(now, route.groupInterval) : undefined,
    eligible.length > firing.length ? plus(now, Math.min(route.groupInterval, 15 * 60_000)) : undefined,
    firing.length > 0 && lastNotifiedAt ? plus(lastNotifiedAt, route.repeatInterval) : undefined,
    ...quiet.map((a) => earliest(isSnoozed(a, now) ? a.snoozedUntil : undefined, activeSilence(silences, a.labels, now)?.endsAt)),
  ];
  try {
    await deps.store.saveGroup({
      ...current, members, notified, lastNotifiedAt, nextFlushAt: members.length > 0 ? earliest(...wakeUps) : undefined, version: current.version + 1,
    }, current.version);
  } catch (error) {
    if (!(error instanceof GroupConflictError)) throw error;
    // A new alert joined meanwhile: keep its schedule, but remember what was sent so it is not sent again.
    const latest = sent ? await deps.store.getGroup(group.key) : undefined;
    if (latest) await saveQuietly(deps.store, { ...latest, notified, lastNotifiedAt, version: latest.version + 1 }, latest.version);
  }
}

/** A lost race means another dispatcher flushed the same group: its result stands. */
async function saveQuietly(store: AlertStore, next: AlertGroup, expectedVersion: number): Promise<void> {
  try {
    await store.saveGroup(next, expectedVersion);
  } catch (error) {
    if (!(error instanceof GroupConflictError)) throw error;
  }
}
