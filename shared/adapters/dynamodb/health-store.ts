// Stock-health aggregates in the hub table: each position's last contribution (beside the position) and one cell per
// location × category holding the sums. A contribution is replaced by a conditional write, which makes its writer the
// one owner of the difference; the difference is then ADDed to the cell, so workers and the stream never overwrite
// each other's sums.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  emptyVector, healthDelta, mergeDeltas, VECTOR_KEYS, type CellDelta, type HealthCell, type PositionHealth,
} from '../../health/model.js';
import { batchGetRows } from './client.js';

export const healthKeys = {
  position: (sku: string, locationId: string) => ({ pk: `POS#${sku}#${locationId}`, sk: 'HEALTH' }),
  cell: (locationId: string, category: string) => ({ pk: 'HEALTH', sk: `CELL#${locationId}#${category}` }),
} as const;

export type HealthEntity = 'positionHealth' | 'healthCell';

const FILL_DEMAND = 'fd:';
const FILL_LOST = 'fl:';
const MAX_ATTEMPTS = 4;
const IN_FLIGHT = 8;

interface StoredHealth extends PositionHealth { version: number }

const same = (a: PositionHealth, b: PositionHealth): boolean =>
  a.day === b.day && a.category === b.category && JSON.stringify(a.fill) === JSON.stringify(b.fill)
  && VECTOR_KEYS.every((k) => (a.vector[k] ?? 0) === (b.vector[k] ?? 0));

export class DynamoHealthStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Replaces the contributions of these positions and adds the differences to their cells. Returns the cells touched. */
  async record(healths: readonly PositionHealth[]): Promise<number> {
    const unique = [...new Map(healths.map((h) => [`${h.sku}@${h.locationId}`, h])).values()];
    const rows = await batchGetRows(this.doc, this.tableName, unique.map((h) => healthKeys.position(h.sku, h.locationId)));
    const prevOf = (h: PositionHealth) => rows.get(`${healthKeys.position(h.sku, h.locationId).pk}|HEALTH`) as StoredHealth | undefined;
    const deltas: CellDelta[] = [];
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const h = unique[next++]!;
        deltas.push(...await this.replace(h, prevOf(h)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, unique.length) }, worker));
    return this.addToCells(deltas);
  }

  /** Adds differences to their cells, one write per cell. Returns the cells touched. */
  async addToCells(deltas: readonly CellDelta[]): Promise<number> {
    const merged = mergeDeltas(deltas);
    for (const d of merged) await this.addToCell(d);
    return merged.length;
  }

  /** Conditional on the version read: a lost race re-reads, so each difference is counted exactly once. */
  private async replace(h: PositionHealth, prev: StoredHealth | undefined): Promise<CellDelta[]> {
    let current = prev;
    for (let attempt = 1; ; attempt++) {
      if (current && same(current, h)) return [];
      const version = (current?.version ?? 0) + 1;
      try {
        await this.doc.send(new PutCommand({
          TableName: this.tableName,
          Item: { ...healthKeys.position(h.sku, h.locationId), entity: 'positionHealth' satisfies HealthEntity, ...h, version },
          ...(current
            ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': current.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }));
        return healthDelta(current, h);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
        const rows = await batchGetRows(this.doc, this.tableName, [healthKeys.position(h.sku, h.locationId)]);
        current = [...rows.values()][0] as StoredHealth | undefined;
      }
    }
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
    for (const [day, f] of Object.entries(d.fill)) {
      add(`${FILL_DEMAND}${day}`, f.demand);
      add(`${FILL_LOST}${day}`, f.lost);
    }
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName, Key: healthKeys.cell(d.locationId, d.category),
      UpdateExpression: `SET #loc = :loc, #cat = :cat, #e = :e${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
      ExpressionAttributeNames: names, ExpressionAttributeValues: values,
    }));
  }

  /** Every cell: one query of one partition, a few hundred items for a retailer with tens of stores and categories. */
  async cells(): Promise<HealthCell[]> {
    const out: HealthCell[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({
        TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cell)',
        ExpressionAttributeValues: { ':pk': 'HEALTH', ':cell': 'CELL#' }, ExclusiveStartKey: start,
      }));
      for (const row of page.Items ?? []) out.push(toCell(row));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async positionHealth(sku: string, locationId: string): Promise<PositionHealth | undefined> {
    const rows = await batchGetRows(this.doc, this.tableName, [healthKeys.position(sku, locationId)]);
    return [...rows.values()][0] as PositionHealth | undefined;
  }
}

function toCell(row: Record<string, unknown>): HealthCell {
  const vector = emptyVector();
  for (const k of VECTOR_KEYS) if (typeof row[k] === 'number') vector[k] = row[k] as number;
  const fill: HealthCell['fill'] = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'number') continue;
    const field = k.startsWith(FILL_DEMAND) ? 'demand' : k.startsWith(FILL_LOST) ? 'lost' : undefined;
    if (!field) continue;
    const day = k.slice(3);
    fill[day] = { ...(fill[day] ?? { demand: 0, lost: 0 }), [field]: v };
  }
  return { locationId: String(row.locationId), category: String(row.category), vector, fill };
}
