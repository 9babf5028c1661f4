// Stock-health aggregates in the hub table: each position's last contribution (beside the position, so the sweep's scan
// and evaluation's batched reads already return it) and one cell per location × category holding the sums. A
// contribution is replaced by a conditional write, which makes its writer the one owner of the difference; the stream
// merges the differences of a batch and ADDs them to the cells once per batch. Each finished sweep sets the cells to the
// sums its workers counted (setCells), which also puts right whatever a write lost since the last sweep.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  cellKey, emptyVector, healthDelta, mergeDeltas, STATE_KEYS, VECTOR_KEYS, type CellDelta, type CellSums, type Contribution, type HealthCell, type StoredHealth,
} from '../../health/model.js';
import { addDays } from '../../time.js';
import { keys } from '../../storage/table.js';
import { batchGetRows, queryAll, transactUnits, type TransactItem } from './client.js';

export const healthKeys = {
  position: keys.positionHealth,
  cell: (locationId: string, category: string) => ({ pk: 'HEALTH', sk: `CELL#${locationId}#${category}` }),
  /** A cell's fill figures by day, apart from its sums: only the sweep writes them, and the stream's ADD then pays for a small item. */
  fill: (locationId: string, category: string) => ({ pk: 'HEALTH', sk: `FILL#${locationId}#${category}` }),
} as const;

export type HealthEntity = 'positionHealth' | 'healthCell' | 'healthFill';

const FILL_DEMAND = 'fd:';
const FILL_LOST = 'fl:';
const MAX_ATTEMPTS = 4;
/** Days of fill figures a cell keeps (the overview charts the last 30). */
const FILL_DAYS = 30;

const same = (a: Contribution, b: Contribution): boolean =>
  a.category === b.category && STATE_KEYS.every((k) => (a.vector[k] ?? 0) === (b.vector[k] ?? 0));

const idOf = (h: Pick<Contribution, 'sku' | 'locationId'>): string => `${h.sku}@${h.locationId}`;

/** A new contribution and the stored one it replaces: null when none is stored, undefined when not read yet. */
export interface HealthChange { next: Contribution; prev?: StoredHealth | null }

export class DynamoHealthStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Replaces the contributions of these positions and adds the differences to their cells. Returns the cells touched. */
  async record(healths: readonly Contribution[]): Promise<number> {
    return this.addToCells(await this.replace(healths.map((next) => ({ next }))));
  }

  /**
   * Replaces the contributions that changed, conditional on the version read (up to 100 positions per transaction), and
   * returns the differences these writes own; the caller adds them to the cells. A lost race re-reads, so each
   * difference is counted exactly once.
   */
  async replace(changes: readonly HealthChange[]): Promise<CellDelta[]> {
    const unique = [...new Map(changes.map((c) => [idOf(c.next), c])).values()];
    const current = new Map(unique.map((c) => [idOf(c.next), c.prev ?? undefined]));
    const unread = unique.filter((c) => c.prev === undefined).map((c) => c.next);
    if (unread.length) for (const [id, h] of await this.read(unread)) current.set(id, h);
    const deltas: CellDelta[] = [];
    let pending = unique.map((c) => c.next);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const changed = pending.filter((h) => { const prev = current.get(idOf(h)); return !(prev && same(prev, h)); });
      const { failed } = await transactUnits(this.doc, changed.map((h) => [this.putContribution(h, current.get(idOf(h)))]), 4);
      const lost = new Set(failed);
      changed.forEach((h, i) => { if (!lost.has(i)) deltas.push(...healthDelta(current.get(idOf(h)), h)); });
      pending = failed.map((i) => changed[i]!);
      if (pending.length === 0) break;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`The stock health of ${pending.length} positions kept changing under concurrent writers (${pending.slice(0, 3).map(idOf).join(', ')}…); the next evaluation retries.`);
      for (const [id, h] of await this.read(pending)) current.set(id, h);
    }
    return deltas;
  }

  private async read(positions: readonly Contribution[]): Promise<Map<string, StoredHealth | undefined>> {
    const rows = await batchGetRows(this.doc, this.tableName, positions.map((h) => healthKeys.position(h.sku, h.locationId)));
    return new Map(positions.map((h) => {
      const k = healthKeys.position(h.sku, h.locationId);
      return [idOf(h), rows.get(`${k.pk}|${k.sk}`) as StoredHealth | undefined];
    }));
  }

  private putContribution(h: Contribution, prev: StoredHealth | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...healthKeys.position(h.sku, h.locationId), entity: 'positionHealth' satisfies HealthEntity,
          sku: h.sku, locationId: h.locationId, category: h.category, vector: h.vector, version: (prev?.version ?? 0) + 1,
        },
        ...(prev
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': prev.version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  /** Adds differences to their cells, one write per cell. Returns the cells touched. */
  async addToCells(deltas: readonly CellDelta[]): Promise<number> {
    // A position that moved between cells and back within the batch nets out: no write for it.
    const merged = mergeDeltas(deltas).filter((d) => Object.values(d.vector).some((x) => x !== 0));
    await Promise.all(merged.map((d) => this.addToCell(d)));
    return merged.length;
  }

  private async addToCell(d: CellDelta): Promise<void> {
    const names: Record<string, string> = { '#loc': 'locationId', '#cat': 'category', '#e': 'entity' };
    const values: Record<string, unknown> = { ':loc': d.locationId, ':cat': d.category, ':e': 'healthCell' satisfies HealthEntity };
    const adds: string[] = [];
    let i = 0;
    const add = (attribute: string, value: number) => {
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = value;
      adds.push(`#a${i} :a${i}`);
      i++;
    };
    for (const [k, x] of Object.entries(d.vector)) if (x !== undefined) add(k, x);
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName, Key: healthKeys.cell(d.locationId, d.category),
      UpdateExpression: `SET #loc = :loc, #cat = :cat, #e = :e${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
      ExpressionAttributeNames: names, ExpressionAttributeValues: values,
    }));
  }

  /**
   * Sets every cell to a finished sweep's sums (cells it found no position in become zero) with the fill figures of its
   * day, and drops fill figures older than FILL_DAYS. Returns the cells written.
   */
  async setCells(sums: readonly CellSums[], day: string): Promise<number> {
    const rows = await this.rows();
    const existing = new Map(cellsOf(rows).map((c) => [cellKey(c.locationId, c.category), c]));
    // Fill figures a cell item held itself before they moved beside it: dropped, so the stream's ADD writes a small item.
    const legacy = new Map(rows.filter((r) => r.entity === 'healthCell').map((r) => [cellKey(String(r.locationId), String(r.category)),
      Object.keys(r).filter((k) => k.startsWith(FILL_DEMAND) || k.startsWith(FILL_LOST))]));
    const all = new Map(sums.map((s) => [cellKey(s.locationId, s.category), s]));
    for (const [key, c] of existing) if (!all.has(key)) all.set(key, { locationId: c.locationId, category: c.category, vector: {}, fill: { demand: 0, lost: 0 } });
    const oldest = addDays(day, -(FILL_DAYS - 1));
    const set = (key: { pk: string; sk: string }, s: CellSums, entity: HealthEntity, fields: Record<string, number>, remove: string[] = []) => {
      const names: Record<string, string> = { '#loc': 'locationId', '#cat': 'category', '#e': 'entity' };
      const values: Record<string, unknown> = { ':loc': s.locationId, ':cat': s.category, ':e': entity };
      const sets = ['#loc = :loc', '#cat = :cat', '#e = :e'];
      Object.entries(fields).forEach(([name, value], i) => {
        names[`#v${i}`] = name;
        values[`:v${i}`] = value;
        sets.push(`#v${i} = :v${i}`);
      });
      remove.forEach((name, i) => { names[`#r${i}`] = name; });
      return this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: key, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
        UpdateExpression: `SET ${sets.join(', ')}${remove.length ? ` REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
      }));
    };
    await Promise.all([...all].flatMap(([key, s]) => [
      set(healthKeys.cell(s.locationId, s.category), s, 'healthCell', Object.fromEntries(VECTOR_KEYS.map((k) => [k, s.vector[k] ?? 0])), legacy.get(key)),
      set(healthKeys.fill(s.locationId, s.category), s, 'healthFill', { [`${FILL_DEMAND}${day}`]: s.fill.demand, [`${FILL_LOST}${day}`]: s.fill.lost },
        Object.keys(existing.get(key)?.fill ?? {}).filter((d) => d < oldest).flatMap((d) => [`${FILL_DEMAND}${d}`, `${FILL_LOST}${d}`])),
    ]));
    return all.size;
  }

  /** Every cell with its fill figures: one query of one partition, a few hundred items for tens of stores and categories. */
  async cells(): Promise<HealthCell[]> {
    return cellsOf(await this.rows());
  }

  private rows(): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'HEALTH' } });
  }

  async positionHealth(sku: string, locationId: string): Promise<StoredHealth | undefined> {
    const rows = await batchGetRows(this.doc, this.tableName, [healthKeys.position(sku, locationId)]);
    return [...rows.values()][0] as StoredHealth | undefined;
  }
}

function cellsOf(rows: readonly Record<string, unknown>[]): HealthCell[] {
  const cells = new Map<string, HealthCell>();
  const fills = new Map<string, HealthCell['fill']>();
  for (const row of rows) {
    const key = cellKey(String(row.locationId), String(row.category));
    if (row.entity === 'healthCell') cells.set(key, toCell(row));
    else if (row.entity === 'healthFill') fills.set(key, toFill(row));
  }
  return [...cells].map(([key, c]) => ({ ...c, fill: fills.get(key) ?? {} }));
}

function toCell(row: Record<string, unknown>): HealthCell {
  const vector = emptyVector();
  for (const k of VECTOR_KEYS) if (typeof row[k] === 'number') vector[k] = row[k] as number;
  return { locationId: String(row.locationId), category: String(row.category), vector, fill: {} };
}

function toFill(row: Record<string, unknown>): HealthCell['fill'] {
  const fill: HealthCell['fill'] = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'number') continue;
    const field = k.startsWith(FILL_DEMAND) ? 'demand' : k.startsWith(FILL_LOST) ? 'lost' : undefined;
    if (!field) continue;
    const day = k.slice(3);
    fill[day] = { ...(fill[day] ?? { demand: 0, lost: 0 }), [field]: v };
  }
  return fill;
}
