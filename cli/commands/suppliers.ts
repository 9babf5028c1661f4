// `stocksentry suppliers`: scorecards (lead time, on-time, fill rate), open requests, and the buyer's approve/cancel.
import type { Command } from 'commander';
import { replenishmentEntry } from '../../functions/services.js';
import { DynamoRequestStore } from '../../shared/adapters/dynamodb/request-store.js';
import { systemClock, type Clock } from '../../shared/ports.js';
import type { HubConfig } from '../../shared/config.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../shared/replenishment/config.js';
import type { SupplierScorecard } from '../../shared/replenishment/lead-time.js';
import type { RequestStore } from '../../shared/replenishment/ports.js';
import { RequestNotFoundError } from '../../shared/replenishment/errors.js';
import { REQUEST_STATES, type ReplenishmentRequest, type RequestState } from '../../shared/replenishment/request.js';
import { decide, refreshScorecards, type ReplenishmentDeps, type ReplenishmentEvent } from '../../shared/replenishment/service.js';
import { openHub, withHubOptions, type HubOptions } from '../hub.js';

type StoreOptions = HubOptions;

/** How the command reaches the hub; tests and the local runtime pass their own. */
export type OpenReplenishment = (options: StoreOptions) => Promise<ReplenishmentDeps & { hub: HubConfig; publish?: (events: ReplenishmentEvent[]) => Promise<void> }>;

const defaultOpen: OpenReplenishment = async (options) => {
  const opened = await openHub(options, 'stocksentry suppliers');
  const hub = opened.config;
  const requests: RequestStore = new DynamoRequestStore(opened.doc, opened.tableName);
  const publish = opened.publish;
  return {
    hub, requests, clock: systemClock, ...(publish ? { publish: (events: ReplenishmentEvent[]) => publish(events.map(replenishmentEntry)) } : {}),
    config: replenishmentConfig.parse((hub as { replenishment?: unknown }).replenishment ?? {}),
    suppliers: new Map(hub.suppliers.map((s) => [s.id, s as ReplenishmentSupplier])),
  };
};

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
const days = (x: number): string => x.toFixed(1);

const table = (head: string[], rows: string[][]): string => {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
};

export function formatScorecards(cards: readonly SupplierScorecard[], withItems = false): string {
  const rows = cards.flatMap((c) => [
    [c.supplierId, String(c.receipts), days(c.quotedLeadTimeDays), days(c.meanDays), days(c.stdDevDays), days(c.recentMeanDays), pct(c.onTimeRate), pct(c.fillRate), c.risk ? `${c.risk.type} (${c.risk.severity})` : 'ok'],
    ...(withItems ? Object.entries(c.items).map(([sku, s]) => [`  ${sku}`, String(s.receipts), '', days(s.meanDays), days(s.stdDevDays), days(s.recentMeanDays), pct(s.onTimeRate), pct(s.fillRate), '']) : []),
  ]);
  const risks = cards.flatMap((c) => (c.risk ? [`! ${c.risk.message}`] : []));
  return [table(['supplier', 'receipts', 'quoted d', 'mean d', 'σ d', 'recent d', 'on-time', 'fill', 'signal'], rows), ...risks].join('\n');
}

export function formatRequests(requests: readonly ReplenishmentRequest[]): string {
  return table(['request', 'state', 'revision', 'lines', 'total', 'ack due'],
    [...requests].sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey))
      .map((r) => [r.idempotencyKey, r.state, String(r.revision), String(r.lines.length), `${r.total.toFixed(2)} ${r.currency}`, r.ackDueAt ?? '']));
}

const parseChange = (value: string, previous: { sku: string; qty: number }[] = []) => {
  const match = /^(.+)=(\d+(\.\d+)?)$/.exec(value);
  if (!match?.[1] || !match[2]) throw new Error(`--set expects sku=qty, got "${value}"`);
  return [...previous, { sku: match[1], qty: Number(match[2]) }];
};

const parseRevision = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`--revision expects a revision number like 3, got "${value}"`);
  return Number(value);
};

/** A decision without --revision is refused with what the request holds now, so the buyer can review and name it. */
async function missingRevision(requests: RequestStore, key: string): Promise<never> {
  const request = await requests.get(key);
  if (!request) throw new RequestNotFoundError(key);
  const lines = request.lines.filter((l) => l.status !== 'cancelled').map((l) => `  ${l.sku}${l.name ? ` (${l.name})` : ''}: ${l.qty} for ${l.amount.toFixed(2)} ${request.currency}, need by ${l.needBy}`);
  throw new Error([`Say which revision you decide with --revision. Request ${key} is ${request.state} at revision ${request.revision}:`, ...lines,
    `  total ${request.total.toFixed(2)} ${request.currency}`, `Review it, then run the command again with --revision ${request.revision}.`].join('\n'));
}

export function register(program: Command, open: OpenReplenishment = defaultOpen, clock: Clock = systemClock, print: (text: string) => void = (t) => console.log(t)): void {
  const suppliers = program.command('suppliers').description('supplier scorecards, replenishment requests and approvals');
  const storeOptions = (cmd: Command) => withHubOptions(cmd);

  storeOptions(suppliers.command('scorecard', { isDefault: true }))
    .description('lead time (mean, σ, recent), on-time and fill rate per supplier, with LEAD_TIME_RISK signals')
    .option('-s, --supplier <id>', 'only this supplier')
    .option('--items', 'also show each supplier × item')
    .option('--json', 'print JSON')
    .action(async (opts: StoreOptions & { supplier?: string; items?: boolean; json?: boolean }) => {
      const deps = await open(opts);
      const cards = (await refreshScorecards({ ...deps, clock })).filter((c) => !opts.supplier || c.supplierId === opts.supplier);
      print(opts.json ? JSON.stringify(cards, null, 2) : formatScorecards(cards, opts.items));
    });

  storeOptions(suppliers.command('requests'))
    .description('replenishment requests in a state (default: waiting for approval)')
    .option('--state <state>', `one of ${REQUEST_STATES.join(', ')}`, 'pending_approval')
    .option('--json', 'print JSON')
    .action(async (opts: StoreOptions & { state: string; json?: boolean }) => {
      if (!(REQUEST_STATES as readonly string[]).includes(opts.state)) throw new Error(`--state must be one of ${REQUEST_STATES.join(', ')}`);
      const deps = await open(opts);
      const requests = await deps.requests.listByState(opts.state as RequestState);
      print(opts.json ? JSON.stringify(requests, null, 2) : formatRequests(requests));
    });

  storeOptions(suppliers.command('approve <request>'))
    .description('approve the given revision of a request waiting for approval, optionally changing quantities (rounded to pack/MOQ)')
    .option('--revision <n>', 'the revision you reviewed (`suppliers requests` shows it); a request that changed since is refused, with the difference', parseRevision)
    .option('--set <sku=qty>', 'change a line quantity (repeatable; 0 drops the line)', parseChange)
    .option('--by <name>', 'who approves', process.env.USER ?? 'cli')
    .action(async (key: string, opts: StoreOptions & { revision?: number; set?: { sku: string; qty: number }[]; by: string }) => {
      const deps = await open(opts);
      const revision = opts.revision ?? (await missingRevision(deps.requests, key));
      const out = await decide({ ...deps, clock }, key, { action: 'approve', revision, by: opts.by, ...(opts.set ? { changes: opts.set } : {}) });
      await deps.publish?.(out.events);
      const queued = out.events.some((e) => e.detailType === 'ReplenishmentRequested');
      print(`${key}: ${out.requests[0]?.state ?? 'unchanged'}${queued ? (deps.publish ? ' (sent to the bus)' : ' (no bus here: the next evaluation announces it)') : ''}`);
    });

  storeOptions(suppliers.command('cancel <request>'))
    .description('cancel (reject) the given revision of a request waiting for approval')
    .option('--revision <n>', 'the revision you reviewed; a request that changed since is refused, with the difference', parseRevision)
    .option('--by <name>', 'who cancels', process.env.USER ?? 'cli')
    .option('--reason <text>', 'why')
    .action(async (key: string, opts: StoreOptions & { revision?: number; by: string; reason?: string }) => {
      const deps = await open(opts);
      const revision = opts.revision ?? (await missingRevision(deps.requests, key));
      const out = await decide({ ...deps, clock }, key, { action: 'cancel', revision, by: opts.by, ...(opts.reason ? { reason: opts.reason } : {}) });
      print(`${key}: ${out.requests[0]?.state ?? 'unchanged'}`);
    });
}
