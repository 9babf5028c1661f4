// Backtest history from CSV: one row per position and day (format in docs/engine.md), parsed into backtest series.
import { dayNumber } from '../calendar.js';
import { SUPPLIER_PROFILES, type BacktestSeries, type PlannedEventSpec, type Scenario, type SupplierProfile } from './scenario.js';

export class BacktestCsvError extends Error {
  readonly code = 'BACKTEST_CSV_INVALID';
  constructor(readonly line: number, readonly column: string, detail: string) {
    super(`line ${line}, column "${column}": ${detail}`);
    this.name = 'BacktestCsvError';
  }
}

const REQUIRED = ['date', 'sku', 'location', 'demand'] as const;
const PAST_LEAD_TIMES = 4;

interface Row { day: number; demand: number; uplift: number }

/**
 * Parses the CSV and turns each (sku, location) into a series whose last `simDays` days are simulated and the rest is
 * warm-up history. Days missing between a position's first and last row count as zero demand.
 */
export function scenarioFromCsv(text: string, simDays: number, seed: number): Scenario {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  for (const column of REQUIRED) if (!header.includes(column)) throw new BacktestCsvError(1, column, `missing required column; the header must name ${REQUIRED.join(', ')}`);
  const col = (name: string): number => header.indexOf(name);
  const positions = new Map<string, { first: string[]; line: number; rows: Row[] }>();
  for (let i = 1; i < lines.length; i++) {
    const text = (lines[i] as string).trim();
    if (text === '') continue;
    const cells = text.split(',').map((c) => c.trim());
    const cell = (name: string): string | undefined => { const c = col(name); return c >= 0 && cells[c] !== '' ? cells[c] : undefined; };
    const num = (name: string, fallback: number): number => {
      const raw = cell(name);
      if (raw === undefined) return fallback;
      const v = Number(raw);
      if (!Number.isFinite(v) || v < 0) throw new BacktestCsvError(i + 1, name, `expected a non-negative number, got "${raw}"`);
      return v;
    };
    const date = cell('date') ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new BacktestCsvError(i + 1, 'date', `expected YYYY-MM-DD, got "${date}"`);
    const sku = cell('sku');
    const location = cell('location');
    if (!sku) throw new BacktestCsvError(i + 1, 'sku', 'empty');
    if (!location) throw new BacktestCsvError(i + 1, 'location', 'empty');
    const key = `${sku}\u0000${location}`;
    let p = positions.get(key);
    if (!p) { p = { first: cells, line: i + 1, rows: [] }; positions.set(key, p); }
    p.rows.push({ day: dayNumber(date), demand: num('demand', 0), uplift: num('promo_uplift', 1) });
  }
  if (positions.size === 0) throw new BacktestCsvError(2, 'date', 'no data rows');

  const series: BacktestSeries[] = [];
  let lastDay = -Infinity;
  for (const [, p] of positions) {
    const cell = (name: string): string | undefined => { const c = col(name); return c >= 0 && p.first[c] !== '' ? p.first[c] : undefined; };
    p.rows.sort((a, b) => a.day - b.day);
    const start = (p.rows[0] as Row).day;
    const end = (p.rows[p.rows.length - 1] as Row).day;
    if (end > lastDay) lastDay = end;
    const total = end - start + 1;
    if (total <= simDays) throw new BacktestCsvError(p.line, 'date', `${cell('sku')}@${cell('location')} has ${total} days of history; it needs more than the ${simDays} simulated days (use --days to simulate fewer)`);
    const demand = new Array<number>(total).fill(0);
    const uplift = new Array<number>(total).fill(1);
    for (const r of p.rows) { demand[r.day - start] = r.demand; uplift[r.day - start] = r.uplift; }
    const events: PlannedEventSpec[] = [];
    for (let i = 0; i < total; i++) {
      const u = uplift[i] as number;
      if (u === 1) continue;
      const last = events[events.length - 1];
      if (last && last.endIndex === i - 1 && last.uplift === u) last.endIndex = i; else events.push({ startIndex: i, endIndex: i, uplift: u });
    }
    const profileRaw = cell('supplier_profile') ?? 'standard';
    if (!(SUPPLIER_PROFILES as readonly string[]).includes(profileRaw)) throw new BacktestCsvError(p.line, 'supplier_profile', `expected one of ${SUPPLIER_PROFILES.join(', ')}, got "${profileRaw}"`);
    const quoted = Number(cell('lead_time_days') ?? 7);
    const unitCost = Number(cell('unit_cost') ?? 1);
    const sku = cell('sku') as string;
    const location = cell('location') as string;
    series.push({
      sku, location, pattern: cell('pattern') ?? 'all', startDay: start, simStart: total - simDays, demand, events,
      unitCost, unitPrice: Number(cell('unit_price') ?? unitCost * 2), packSize: Number(cell('pack_size') ?? 1), moq: Number(cell('moq') ?? 0),
      supplier: { id: cell('supplier_id') ?? `sup-${profileRaw}`, profile: profileRaw as SupplierProfile, quotedLeadTimeDays: quoted },
      pastLeadTimes: new Array<number>(PAST_LEAD_TIMES).fill(quoted),
    });
  }
  return { seed, simStartDay: lastDay - simDays + 1, simDays, series };
}
