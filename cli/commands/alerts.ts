// `stocksentry alerts`: list, show, ack, snooze, resolve, comment, silence and stats, straight against the hub table.
import type { Command } from 'commander';
import { toBusEntry } from '../../events/alerts.js';
import { DynamoAlertStore } from '../../shared/adapters/dynamodb/alert-store.js';
import {
  acknowledgeAlert, ALERT_STATES, alertsSettings, alertSubject, commentAlert, computeAlertStats, duration, LABEL_NAMES, resolveAlert, snoozeAlert,
  type Alert, type AlertEvent, type AlertsSettings, type AlertState, type AlertStats, type AlertStore, type LabelName, type Silence,
} from '../../shared/alerts/index.js';
import { systemClock, type Clock } from '../../shared/ports.js';
import { openHub, withHubOptions, type HubOptions } from '../hub.js';

type StoreOptions = HubOptions;

/** How the command reaches the hub; tests and the local runtime pass their own. */
export type OpenAlerts = (options: StoreOptions) => Promise<{ store: AlertStore; settings: AlertsSettings; publish?: (events: AlertEvent[]) => Promise<void> }>;

const defaultOpen: OpenAlerts = async (options) => {
  const hub = await openHub(options, 'stocksentry alerts');
  const publish = hub.publish;
  return {
    store: new DynamoAlertStore(hub.doc, hub.tableName),
    settings: alertsSettings(hub.config),
    publish: publish ? (events) => publish(events.map(toBusEntry)) : undefined,
  };
};

const table = (head: string[], rows: string[][]): string => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
};

export function formatAlerts(alerts: readonly Alert[], now: Date): string {
  if (alerts.length === 0) return 'No alerts.';
  const age = (iso: string) => {
    const h = (now.getTime() - Date.parse(iso)) / 3_600_000;
    return h < 1 ? `${Math.round(h * 60)}m` : h < 48 ? `${Math.round(h)}h` : `${Math.round(h / 24)}d`;
  };
  return table(['fingerprint', 'state', 'severity', 'type', 'sku', 'location', 'age', 'message'],
    alerts.map((a) => [a.fingerprint, a.state + (a.snoozedUntil && Date.parse(a.snoozedUntil) > now.getTime() ? ' (snoozed)' : ''), a.severity, a.type, a.sku || `supplier ${a.supplierId}`, a.locationId, age(a.openedAt), a.message.slice(0, 60)]));
}

export function formatStats(s: AlertStats, positionsKnown: boolean): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return [
    `Alerts opened ${s.from.slice(0, 10)} to ${s.to.slice(0, 10)}: ${s.opened}`,
    `  acknowledged:             ${s.acknowledged}`,
    `  share acted on:           ${pct(s.actedOnShare)} (acknowledged or resolved by a person)`,
    `  time to acknowledge:      ${s.timeToAckMinutes ? `median ${s.timeToAckMinutes.median.toFixed(0)} min, p90 ${s.timeToAckMinutes.p90.toFixed(0)} min` : 'no acknowledgements'}`,
    `  alerts per position-month: ${s.alertsPerPositionMonth.toFixed(3)} (${s.positions} positions${positionsKnown ? '' : ' that had alerts; pass --positions N for all watched'}, ${s.months.toFixed(1)} months)`,
    `  by type: ${Object.entries(s.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
  ].join('\n');
}

/** `location=store-1` (equals, comma-separated alternatives) or `sku=~SKU-1.*` (regex). */
export function parseMatchers(specs: readonly string[]): Pick<Silence, 'match' | 'matchRe'> {
  const match: Silence['match'] = {};
  const matchRe: Silence['matchRe'] = {};
  for (const spec of specs) {
    const m = /^([A-Za-z]+)(=~|=)(.+)$/.exec(spec);
    if (!m || !LABEL_NAMES.includes(m[1] as LabelName)) throw new Error(`matcher "${spec}" should be label=value or label=~regex with a label among ${LABEL_NAMES.join(', ')}`);
    const label = m[1] as LabelName;
    if (m[2] === '=~') matchRe[label] = m[3]!;
    else match[label] = m[3]!.split(',');
  }
  return { match, matchRe };
}

const parseDuration = (value: string): number => {
  const parsed = duration.safeParse(value);
  if (!parsed.success) throw new Error(`"${value}" is not a duration; use e.g. 30m, 4h or 2d`);
  return parsed.data;
};

export function register(program: Command, open: OpenAlerts = defaultOpen, clock: Clock = systemClock, print: (text: string) => void = (t) => console.log(t)): void {
  const alerts = program.command('alerts').description('open alerts: list, acknowledge, snooze, resolve, silence, and whether they are worth sending');
  const withStore = (cmd: Command) => withHubOptions(cmd);
  const withActor = (cmd: Command) => withStore(cmd)
    .option('--by <name>', 'who is acting (default $USER)', process.env.USER ?? 'cli')
    .option('-m, --note <text>', 'a note for the audit trail');
  type ActorOptions = StoreOptions & { by: string; note?: string };
  const announce = async (deps: Awaited<ReturnType<OpenAlerts>>, event: AlertEvent | undefined) => {
    if (event && deps.publish) await deps.publish([event]);
  };

  withStore(alerts.command('list', { isDefault: true }))
    .description('alerts by state (default: open, escalated, acknowledged)')
    .option('-s, --state <states>', `comma-separated: ${ALERT_STATES.join(', ')}`)
    .option('-l, --location <id>', 'only this location')
    .option('--json', 'print JSON')
    .action(async (opts: StoreOptions & { state?: string; location?: string; json?: boolean }) => {
      const states = opts.state?.split(',').map((s) => s.trim() as AlertState);
      const bad = states?.filter((s) => !ALERT_STATES.includes(s));
      if (bad?.length) throw new Error(`unknown state ${bad.join(', ')}; use ${ALERT_STATES.join(', ')}`);
      const { store } = await open(opts);
      const list = await store.listAlerts({ states, location: opts.location });
      print(opts.json ? JSON.stringify(list, null, 2) : formatAlerts(list, clock.now()));
    });

  withStore(alerts.command('show <fingerprint>'))
    .description('one alert with its history')
    .action(async (fp: string, opts: StoreOptions) => {
      const { store } = await open(opts);
      const alert = await store.getAlert(fp);
      if (!alert) throw new Error(`No alert with fingerprint ${fp}; \`stocksentry alerts list\` shows them.`);
      print(`${formatAlerts([alert], clock.now())}\n\n${alert.message}\n${JSON.stringify(alert.facts ?? {})}\n\nHistory:`);
      for (const h of await store.history(fp)) print(`  ${h.at}  ${h.action.padEnd(12)} ${h.fromState ?? '-'} -> ${h.toState}  ${h.by ?? ''}${h.note ? `  "${h.note}"` : ''}`);
    });

  withActor(alerts.command('ack <fingerprint>'))
    .description('acknowledge: stops reminders and escalation')
    .action(async (fp: string, opts: ActorOptions) => {
      const deps = await open(opts);
      const { alert, event } = await acknowledgeAlert(deps, fp, { by: opts.by, at: clock.now(), note: opts.note });
      await announce(deps, event);
      print(event ? `Acknowledged ${fp} (${alert.type} ${alert.sku ? `${alert.sku} @ ${alert.locationId}` : alertSubject(alert)}).` : `${fp} was already acknowledged.`);
    });

  withActor(alerts.command('snooze <fingerprint>'))
    .description('no reminders or escalation for a while')
    .requiredOption('--for <duration>', 'e.g. 4h or 2d')
    .action(async (fp: string, opts: ActorOptions & { for: string }) => {
      const deps = await open(opts);
      const at = clock.now();
      const alert = await snoozeAlert(deps, fp, { by: opts.by, at, note: opts.note, until: new Date(at.getTime() + parseDuration(opts.for)) });
      print(`Snoozed ${fp} until ${alert.snoozedUntil}.`);
    });

  withActor(alerts.command('resolve <fingerprint>'))
    .description('close the alert; it returns only after the condition has cleared once')
    .action(async (fp: string, opts: ActorOptions) => {
      const deps = await open(opts);
      const { event } = await resolveAlert(deps, fp, { by: opts.by, at: clock.now(), note: opts.note });
      await announce(deps, event);
      print(event ? `Resolved ${fp}.` : `${fp} was already resolved.`);
    });

  withActor(alerts.command('comment <fingerprint> <text>'))
    .description('add a note to the alert\'s history')
    .action(async (fp: string, text: string, opts: ActorOptions) => {
      await commentAlert(await open(opts), fp, { by: opts.by, at: clock.now(), note: text });
      print(`Noted on ${fp}.`);
    });

  withActor(alerts.command('silence [matchers...]'))
    .description('mute notifications for alerts matching labels, e.g. location=store-1 sku=~SKU-1.*; without matchers lists silences')
    .option('--for <duration>', 'how long, e.g. 2h (required with matchers)')
    .option('--id <id>', 'silence id (default generated)')
    .option('--expire <id>', 'end this silence now')
    .action(async (specs: string[], opts: ActorOptions & { for?: string; id?: string; expire?: string }) => {
      const { store, settings } = await open(opts);
      const now = clock.now();
      if (opts.expire) {
        if (!(await store.expireSilence(opts.expire, now))) throw new Error(`No silence ${opts.expire}; \`stocksentry alerts silence\` lists them.`);
        print(`Silence ${opts.expire} ended.`);
        return;
      }
      if (specs.length === 0) {
        const all = [...settings.silences, ...(await store.listSilences())];
        print(all.length === 0 ? 'No silences.' : table(['id', 'until', 'matchers', 'by', 'comment'], all.map((s) => [
          s.id, s.endsAt + (Date.parse(s.endsAt) <= now.getTime() ? ' (ended)' : ''),
          [...Object.entries(s.match).map(([k, v]) => `${k}=${(v ?? []).join(',')}`), ...Object.entries(s.matchRe).map(([k, v]) => `${k}=~${v}`)].join(' '),
          s.createdBy, s.comment])));
        return;
      }
      if (!opts.for) throw new Error('say how long with --for, e.g. --for 2h');
      if (!opts.note) throw new Error('say why with --note; it shows next to every silenced alert');
      const silence: Silence = {
        id: opts.id ?? `s-${now.getTime().toString(36)}`, ...parseMatchers(specs), endsAt: new Date(now.getTime() + parseDuration(opts.for)).toISOString(),
        comment: opts.note, createdBy: opts.by, createdAt: now.toISOString(),
      };
      await store.putSilence(silence);
      print(`Silence ${silence.id} until ${silence.endsAt}.`);
    });

  withStore(alerts.command('stats'))
    .description('time to acknowledge, share acted on, alerts per position-month')
    .option('--days <n>', 'look back this many days', '30')
    .option('--positions <n>', 'positions the hub watches (default: those that had alerts)')
    .option('--json', 'print JSON')
    .action(async (opts: StoreOptions & { days: string; positions?: string; json?: boolean }) => {
      const { store } = await open(opts);
      const to = clock.now();
      const from = new Date(to.getTime() - Number(opts.days) * 86_400_000);
      const range = { openedFrom: from.toISOString(), openedTo: to.toISOString() };
      const [current, archived] = await Promise.all([store.listAlerts({ states: [...ALERT_STATES], ...range }), store.listArchivedAlerts(range.openedFrom, range.openedTo)]);
      const stats = computeAlertStats([...current, ...archived], { from, to }, opts.positions ? Number(opts.positions) : undefined);
      print(opts.json ? JSON.stringify(stats, null, 2) : formatStats(stats, opts.positions !== undefined));
    });
}
