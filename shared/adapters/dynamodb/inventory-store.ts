// InventoryStore on the single DynamoDB table: positions written as diffs under a version condition,
// demand kept as one rolling history item beside each position, reference data written only when it changed.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { historyFromMonths, historyMonths, mergeSales, packHistory, unpackHistory, type DemandHistory, type PackedHistory, type SalesMerge } from '../../evaluation/history.js';
import type { DemandMonth, InboundLine, Item, Location, Position, PositionRecord, SalesRecord, StockChange, Supplier } from '../../model.js';
import { positionKey } from '../../model.js';
import { mapLimited } from '../../concurrency.js';
import type { InventoryStore, PositionWriteResult, QuarantineEntry, SnapshotEntry, StoredSnapshot, UnsettledPush } from '../../ports.js';
import { applyChanges, openLedger, settleWithPull, type ChangeOutcome } from '../../push/ledger.js';
import { sameJson } from '../../stable-json.js';
import { keys, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';
import { batchGetRows, batchWriteRows, queryAll, transactUnits, type TransactItem } from './client.js';
import { appendSnapshot, foldSnapshot, getSnapshot, markUnsettled, settlePushes, unsettledPushes } from './sync-state.js';

type Row = Record<string, unknown>;
const QUARANTINE_TTL_DAYS = 30;
const WRITE_CONCURRENCY = 16;
/** Attempts a pushed change gets against concurrent writers; what still conflicts, the push applier retries whole. */
const PUSH_ATTEMPTS = 5;
/** Days of demand a history keeps by default (rules.historyDays' default); the hub passes its configured value. */
export const DEFAULT_HISTORY_DAYS = 365;

/** A pushed change that moves the day's demand: a sale or return, or the cancellation of one. */
const changesDemand = (c: StockChange): boolean => c.kind === 'void' || (c.kind === 'move' && !!c.sold);

/** A stored history item back in domain form. */
export function historyFromRow(row: Row): DemandHistory {
  return unpackHistory(String(row.sku), String(row.locationId), row as unknown as PackedHistory);
}

/** The stored item of a position (what upsertPositions writes). */
export const positionItem = (p: Position): Row => ({ ...keys.position(p.sku, p.locationId), ...keys.positionByLocation(p.sku, p.locationId), entity: 'position', ...positionRow(p) });

/** The alert digest a new position starts with: complete, no alerts (shared/alerts/digest.ts). */
export const emptyDigestItem = (sku: string, locationId: string): Row => ({ ...keys.positionAlerts(sku, locationId), entity: 'positionAlerts', sku, locationId, complete: true });

/** The stored item of a demand history (what recordSales writes). */
export const historyItem = (h: DemandHistory, version: number): Row =>
  ({ ...keys.demandHistory(h.sku, h.locationId), entity: 'demandHistory', sku: h.sku, locationId: h.locationId, ...packHistory(h), version });

export class DynamoInventoryStore implements InventoryStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string,
    /** Days of demand kept per position: at least the engine's rules.historyDays. */
    private readonly historyDays = DEFAULT_HISTORY_DAYS) {}

  async upsertPositions(source: string, records: PositionRecord[], at: Date): Promise<PositionWriteResult> {
    const merged = new Map<string, PositionRecord>();
    for (const r of records) {
      const k = positionKey(r.sku, r.locationId);
      const previous = merged.get(k);
      // Pushed changes for one position accumulate; other fields: the later record wins.
      const changes = previous?.changes || r.changes ? [...(previous?.changes ?? []), ...(r.changes ?? [])] : undefined;
      merged.set(k, { ...previous, ...r, ...(changes ? { changes } : {}) });
    }
    const result: PositionWriteResult = { written: 0, unchanged: 0, conflicts: 0 };
    const pushed = [...merged.values()].some((r) => r.changes);
    if (pushed) result.changes = { applied: 0, duplicate: 0, superseded: 0, late: [] };
    const sold: SalesRecord[] = [];
    // Marked while the positions (and the demand the pushed sales change) are read: a marker must only never land
    // after its position's write.
    const [, stored, demand] = await Promise.all([
      pushed ? this.markPushed([...merged.values()].filter((r) => r.changes), at) : undefined,
      this.getPositions([...merged.values()]),
      pushed ? this.histories([...merged.values()].filter((r) => r.changes?.some(changesDemand))) : undefined,
    ]);
    const storedOf = (r: PositionRecord) => stored.get(positionKey(r.sku, r.locationId));
    // Pushed changes to positions that exist are written in packed transactions; the rest one position at a time.
    const pushedTo = [...merged.values()].filter((r) => r.changes && storedOf(r));
    const others = [...merged.values()].filter((r) => !(r.changes && storedOf(r)));
    const missing = pushedTo.length > 0 ? await this.writePushed(source, pushedTo.map((r) => ({ record: r, current: storedOf(r)! })), at, result, demand) : [];
    const alone = [...others.map((record) => ({ record, current: storedOf(record) })), ...missing.map((record) => ({ record, current: undefined }))];
    await mapLimited(alone, WRITE_CONCURRENCY, ({ record, current }) => this.writeOne(source, record, current, at, result, sold));
    // Only after the position took the changes: a redelivered sale then finds its id there and adds no demand twice.
    if (sold.length > 0) await this.updateDemand(sold, 'add');
    return result;
  }

  /** One position under its version condition, read again and retried when another writer got there first. */
  private async writeOne(source: string, record: PositionRecord, stored: Position | undefined, at: Date, result: PositionWriteResult, sold: SalesRecord[]): Promise<void> {
    let current = stored;
    const attempts = record.changes ? PUSH_ATTEMPTS : 2;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const { next, outcome, drift } = mergePositionWithEffects(current, source, record, at);
      try {
        if (next) {
          if (current) {
            await this.doc.send(new PutCommand({
              TableName: this.tableName, Item: positionItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version },
            }));
          } else {
            await this.create(next);
          }
          sold.push(...(outcome?.demand ?? []).map((d) => ({ sku: record.sku, locationId: record.locationId, day: d.day, qty: d.qty })));
        }
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        current = await this.getPosition(record.sku, record.locationId);
        continue;
      }
      if (next) result.written++; else result.unchanged++;
      if (outcome) countOutcome(result, record, outcome);
      if (drift) result.drift = { positions: (result.drift?.positions ?? 0) + 1, units: (result.drift?.units ?? 0) + Math.abs(drift) };
      return;
    }
    result.conflicts++;
  }

  /**
   * Pushed changes to positions that exist: each position and its demand-history change are one unit, and units are
   * packed into TransactWriteItems calls. Position and demand land together (a redelivery finds both or neither), and
   * a burst over the catalogue costs a few dozen calls instead of two writes per position. A unit whose position or
   * history changed under it is read again and retried. Returns the records whose position is gone (write them alone).
   */
  private async writePushed(source: string, pending: { record: PositionRecord; current: Position }[], at: Date, result: PositionWriteResult,
    read?: Map<string, { history: DemandHistory | undefined; version: number }>): Promise<PositionRecord[]> {
    const histories = new Map(read);
    const missing: PositionRecord[] = [];
    for (let attempt = 0; attempt < PUSH_ATTEMPTS && pending.length > 0; attempt++) {
      const merges = pending.map((p) => ({ ...p, ...mergePositionWithEffects(p.current, source, p.record, at) }));
      const unread = merges.filter((m) => m.next && m.outcome?.demand.length && !histories.has(positionKey(m.record.sku, m.record.locationId)));
      if (unread.length > 0) for (const [k, h] of await this.histories(unread.map((m) => m.record))) histories.set(k, h);
      const written: typeof merges = [];
      const units: TransactItem[][] = [];
      for (const m of merges) {
        if (!m.next) {
          result.unchanged++;
          if (m.outcome) countOutcome(result, m.record, m.outcome);
          continue;
        }
        const unit: TransactItem[] = [{ Put: { TableName: this.tableName, Item: positionItem(m.next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': m.current.version } } }];
        const { sku, locationId } = m.record;
        const stored = histories.get(positionKey(sku, locationId));
        const history = stored && mergeSales(stored.history, (m.outcome?.demand ?? []).map((d) => ({ sku, locationId, day: d.day, qty: d.qty })), this.historyDays, 'add');
        if (stored && history) unit.push({ Put: { TableName: this.tableName, Item: historyItem(history, stored.version + 1), ...historyCondition(stored.version) } });
        written.push(m);
        units.push(unit);
      }
      const failed = new Set((await transactUnits(this.doc, units)).failed);
      written.forEach((m, i) => {
        if (failed.has(i)) return;
        result.written++;
        if (m.outcome) countOutcome(result, m.record, m.outcome);
      });
      if (failed.size === 0) return missing;
      const retry = [...failed].map((i) => written[i]!.record);
      for (const r of retry) histories.delete(positionKey(r.sku, r.locationId));
      const found = await this.getPositions(retry);
      pending = [];
      for (const record of retry) {
        const current = found.get(positionKey(record.sku, record.locationId));
        if (current) pending.push({ record, current }); else missing.push(record);
      }
    }
    result.conflicts += pending.length;
    return missing;
  }

  /**
   * A new position is born with an empty, complete alert digest beside it, so evaluators know it has no alerts without
   * reading them. Throws ConditionalCheckFailedException when the position exists already.
   */
  private async create(position: Position): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: positionItem(position), ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.tableName, Item: emptyDigestItem(position.sku, position.locationId), ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [state, digest] = (error.CancellationReasons ?? []).map((r) => r.Code);
      if (state === 'ConditionalCheckFailed') throw new ConditionalCheckFailedException({ message: 'position exists', $metadata: {} });
      // A digest is there already (alerts written before the position): keep it, create the position alone.
      if (digest !== 'ConditionalCheckFailed') throw error;
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: positionItem(position), ConditionExpression: 'attribute_not_exists(pk)' }));
    }
  }

  async getPosition(sku: string, locationId: string): Promise<Position | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.position(sku, locationId), ConsistentRead: true }));
    return out.Item ? toPosition(out.Item) : undefined;
  }

  async *listPositions(filter: { locationId?: string } = {}): AsyncIterable<Position> {
    let start: Row | undefined;
    do {
      if (filter.locationId) {
        // gsi1 holds keys only: a page of keys, then the positions themselves.
        const out = await this.doc.send(new QueryCommand({
          TableName: this.tableName, IndexName: 'gsi1', ExclusiveStartKey: start,
          KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :s)',
          ExpressionAttributeValues: { ':p': `LOC#${filter.locationId}`, ':s': 'POS#' },
        }));
        const rows = await this.batchGet((out.Items ?? []).map((k) => ({ pk: String(k.pk), sk: String(k.sk) })));
        for (const row of [...rows.values()].sort((a, b) => String(a.sku).localeCompare(String(b.sku)))) yield toPosition(row);
        start = out.LastEvaluatedKey;
      } else {
        const out = await this.doc.send(new ScanCommand({
          TableName: this.tableName, ExclusiveStartKey: start,
          FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': 'position' },
        }));
        for (const row of out.Items ?? []) yield toPosition(row);
        start = out.LastEvaluatedKey;
      }
    } while (start);
  }

  async getPositions(list: readonly { sku: string; locationId: string }[]): Promise<Map<string, Position>> {
    const rows = await this.batchGet(list.map((p) => keys.position(p.sku, p.locationId)));
    return new Map([...rows.values()].map((row) => [positionKey(String(row.sku), String(row.locationId)), toPosition(row)]));
  }

  async markVanished(source: string, seen: ReadonlySet<string>, at: Date, candidates?: readonly { sku: string; locationId: string }[]): Promise<number> {
    let marked = 0;
    const positions = candidates
      ? (await this.getPositions(candidates.filter((c) => !seen.has(positionKey(c.sku, c.locationId))))).values()
      : this.listPositions();
    for await (const p of positions) {
      if (p.vanishedAt || !p.sources.includes(source) || seen.has(positionKey(p.sku, p.locationId))) continue;
      try {
        await this.doc.send(new PutCommand({
          TableName: this.tableName,
          Item: positionItem({ ...p, vanishedAt: at.toISOString(), version: p.version + 1, updatedAt: at.toISOString() }),
          ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': p.version },
        }));
        marked++;
      } catch (error) {
        // A concurrent write means the source just reported it again: it has not vanished.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return marked;
  }

  /** Pushed positions are marked before they are written, so the next pull settles them (connectors/sdk/snapshot.ts). */
  private markPushed(records: readonly PositionRecord[], at: Date): Promise<void> {
    return markUnsettled(this.doc, this.tableName, records, at);
  }

  getSnapshot(connector: string, stream: string, deltasOnly?: boolean): Promise<StoredSnapshot | undefined> {
    return getSnapshot(this.doc, this.tableName, connector, stream, deltasOnly);
  }

  appendSnapshot(connector: string, stream: string, seq: number, entries: readonly SnapshotEntry[]): Promise<number> {
    return appendSnapshot(this.doc, this.tableName, connector, stream, seq, entries);
  }

  foldSnapshot(connector: string, stream: string, entries: ReadonlyMap<string, SnapshotEntry>, previous: StoredSnapshot | undefined, deltas: readonly number[], at: Date): Promise<StoredSnapshot> {
    return foldSnapshot(this.doc, this.tableName, connector, stream, entries, previous, deltas, at);
  }

  unsettledPushes(): Promise<Map<string, UnsettledPush>> {
    return unsettledPushes(this.doc, this.tableName);
  }

  settlePushes(marks: readonly UnsettledPush[]): Promise<void> {
    return settlePushes(this.doc, this.tableName, marks);
  }

  recordSales(records: SalesRecord[]): Promise<number> {
    return this.updateDemand(records, 'set');
  }

  /** Merges sales into their positions' histories (one conditional write per history that changes). */
  private async updateDemand(records: SalesRecord[], how: SalesMerge): Promise<number> {
    const byPosition = new Map<string, SalesRecord[]>();
    for (const r of records) {
      const k = positionKey(r.sku, r.locationId);
      const list = byPosition.get(k);
      if (list) list.push(r); else byPosition.set(k, [r]);
    }
    const groups = [...byPosition.values()];
    const stored = await this.histories(groups.map((g) => g[0]!));
    let written = 0;
    await mapLimited(groups, WRITE_CONCURRENCY, async (sales) => {
      const { sku, locationId } = sales[0]!;
      let current = stored.get(positionKey(sku, locationId));
      for (let attempt = 0; attempt < 3; attempt++) {
        const next = mergeSales(current?.history, sales, this.historyDays, how);
        if (!next) return;
        try {
          await this.doc.send(new PutCommand({
            TableName: this.tableName,
            Item: historyItem(next, (current?.version ?? 0) + 1),
            ...historyCondition(current?.version ?? 0),
          }));
          written++;
          return;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          current = (await this.histories([{ sku, locationId }])).get(positionKey(sku, locationId));
        }
      }
      throw new Error(`Demand for ${sku} at ${locationId} kept changing under concurrent writers; retry the sync.`);
    });
    return written;
  }

  /**
   * The stored histories of positions (with their version, 0 when carried over from month buckets), in batched reads.
   * A position without a history item has its month buckets (the earlier layout) read once, so they carry over.
   */
  async histories(positions: readonly { sku: string; locationId: string }[]): Promise<Map<string, { history: DemandHistory | undefined; version: number }>> {
    const rows = await this.batchGet(positions.map((p) => keys.demandHistory(p.sku, p.locationId)));
    const out = new Map<string, { history: DemandHistory | undefined; version: number }>();
    const missing: { sku: string; locationId: string }[] = [];
    for (const p of positions) {
      const k = keys.demandHistory(p.sku, p.locationId);
      const row = rows.get(`${k.pk}|${k.sk}`);
      if (row) out.set(positionKey(p.sku, p.locationId), { history: historyFromRow(row), version: Number(row.version ?? 0) });
      else missing.push(p);
    }
    await Promise.all(missing.map(async (p) => {
      out.set(positionKey(p.sku, p.locationId), { history: historyFromMonths(await this.demandMonths(p.sku, p.locationId)), version: 0 });
    }));
    return out;
  }

  /** Month buckets of the earlier layout (one item per position-month). */
  private async demandMonths(sku: string, locationId: string): Promise<DemandMonth[]> {
    const rows = await queryAll(this.doc, {
      TableName: this.tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :d)',
      ExpressionAttributeValues: { ':p': keys.position(sku, locationId).pk, ':d': 'DEMAND#' },
    });
    return rows.map((row) => ({ sku, locationId, month: String(row.month), daily: (row.daily as number[]) ?? [], outOfStockDays: (row.outOfStockDays as number[]) ?? [] }));
  }

  async getDemand(sku: string, locationId: string, fromDay: string, toDay: string): Promise<DemandMonth[]> {
    const { history } = (await this.histories([{ sku, locationId }])).get(positionKey(sku, locationId))!;
    return history ? historyMonths(history, fromDay, toDay) : [];
  }

  putItems(items: Item[]): Promise<number> {
    return this.putIfChanged(items.map((i) => ({ ...keys.item(i.sku), entity: 'item', ...i })));
  }

  async getItem(sku: string): Promise<Item | undefined> {
    return strip<Item>((await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.item(sku) }))).Item);
  }

  /** Several items at once (evaluation loads the items of a batch of positions). */
  async getItems(skus: string[]): Promise<Map<string, Item>> {
    const rows = await this.batchGet([...new Set(skus)].map((s) => keys.item(s)));
    return new Map([...rows.values()].map((r) => [String(r.sku), strip<Item>(r)!]));
  }

  putLocations(locations: Location[]): Promise<number> {
    return this.putIfChanged(locations.map((l) => ({ ...keys.location(l.id), entity: 'location', ...l })));
  }

  async listLocations(): Promise<Location[]> {
    const out = await this.doc.send(new ScanCommand({ TableName: this.tableName, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': 'location' } }));
    const all: Location[] = (out.Items ?? []).map((r) => strip<Location>(r)!);
    let start = out.LastEvaluatedKey;
    while (start) {
      const page = await this.doc.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: start, FilterExpression: 'entity = :e', ExpressionAttributeValues: { ':e': 'location' } }));
      all.push(...(page.Items ?? []).map((r) => strip<Location>(r)!));
      start = page.LastEvaluatedKey;
    }
    return all;
  }

  putSuppliers(suppliers: Supplier[]): Promise<number> {
    return this.putIfChanged(suppliers.map((s) => ({ ...keys.supplier(s.id), entity: 'supplier', ...s })));
  }

  async getSupplier(id: string): Promise<Supplier | undefined> {
    return strip<Supplier>((await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.supplier(id) }))).Item);
  }

  async getCursor(connector: string, stream: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.cursor(connector, stream), ConsistentRead: true }));
    return out.Item?.cursor as string | undefined;
  }

  async putCursor(connector: string, stream: string, cursor: string, at: Date): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...keys.cursor(connector, stream), entity: 'cursor', connector, stream, cursor, updatedAt: at.toISOString() },
    }));
  }

  async quarantine(entries: QuarantineEntry[], at: Date): Promise<void> {
    const ttl = Math.floor(at.getTime() / 1000) + QUARANTINE_TTL_DAYS * 86_400;
    const rows = entries.map((e, i) => ({
      ...keys.quarantine(e.connector, at.toISOString(), `${String(i).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`),
      entity: 'quarantine', ...e, raw: JSON.stringify(e.raw), at: at.toISOString(), [TABLE_TTL_ATTRIBUTE]: ttl,
    }));
    await this.batchWrite(rows);
  }

  async listQuarantine(connector: string): Promise<(QuarantineEntry & { at: string })[]> {
    const rows = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `QUARANTINE#${connector}` } });
    return rows.map((r) => ({ connector: String(r.connector), stream: String(r.stream), reason: String(r.reason), raw: JSON.parse(String(r.raw)) as unknown, at: String(r.at) }));
  }

  private async putIfChanged(rows: Row[]): Promise<number> {
    const stored = await this.batchGet(rows.map((r) => ({ pk: String(r.pk), sk: String(r.sk) })));
    const changed = rows.filter((r) => !sameJson(stored.get(`${String(r.pk)}|${String(r.sk)}`), r));
    await this.batchWrite(changed);
    return changed.length;
  }

  private batchGet(keyList: { pk: string; sk: string }[]): Promise<Map<string, Row>> {
    return batchGetRows(this.doc, this.tableName, keyList);
  }

  private batchWrite(rows: Row[]): Promise<void> {
    return batchWriteRows(this.doc, this.tableName, rows.map((put) => ({ put })));
  }
}

/** The next stored state of a position, or undefined when the record changes nothing. */
export function mergePosition(current: Position | undefined, source: string, record: PositionRecord, at: Date): Position | undefined {
  return mergePositionWithEffects(current, source, record, at).next;
}

/**
 * mergePosition, plus what pushed changes did and the drift a pull found. A record with `changes` adds them to the
 * position's ledger; a pulled on-hand on a position with a ledger settles it (shared/push/ledger.ts).
 */
export function mergePositionWithEffects(current: Position | undefined, source: string, record: PositionRecord, at: Date): { next?: Position; outcome?: ChangeOutcome; drift?: number } {
  const inbound = record.inbound === undefined
    ? current?.inbound ?? []
    : [...(current?.inbound ?? []).filter((l) => !replacedBy(l, source, record.inboundScope)), ...record.inbound.map((l): InboundLine => ({ ...l, source }))];
  const reserved = record.reserved ?? current?.reserved ?? 0;
  let onHand = record.onHand ?? current?.onHand ?? 0;
  let ledger = current?.ledger;
  let outcome: ChangeOutcome | undefined;
  let drift: number | undefined;
  if (record.changes) {
    const start = ledger ?? openLedger(current?.onHand ?? 0, current?.updatedAt);
    ({ onHand, ledger, outcome } = applyChanges({ onHand: current?.onHand ?? 0, reserved, ledger: start }, record.changes, at));
  } else if (record.onHand !== undefined && current?.ledger) {
    const settled = settleWithPull(current.ledger, record.onHand, record.observedAt ?? at.toISOString());
    // A pull read before the latest pushed count is older news: the count stands.
    onHand = settled.state?.onHand ?? current.onHand;
    ledger = settled.state?.ledger ?? current.ledger;
    drift = settled.drift;
  }
  const next = {
    sku: record.sku,
    locationId: record.locationId,
    onHand,
    reserved,
    inbound,
    openOrders: record.openOrders ?? current?.openOrders ?? [],
    ...(record.lots ?? current?.lots ? { lots: record.lots ?? current?.lots } : {}),
  };
  const sources = current?.sources.includes(source) ? current.sources : [...(current?.sources ?? []), source];
  // A pull that only moves the ledger writes nothing; pushed changes do, so repeats and late counts are recognised.
  const ledgerChanged = record.changes !== undefined && !sameJson(ledger, current?.ledger);
  if (current && !current.vanishedAt && sources === current.sources && !ledgerChanged && sameJson(quantities(current), quantities(next))) {
    return { outcome, drift };
  }
  return {
    next: {
      ...next,
      sources,
      ...(record.sourceUpdatedAt ?? current?.sourceUpdatedAt ? { sourceUpdatedAt: record.sourceUpdatedAt ?? current?.sourceUpdatedAt } : {}),
      // Decided after the no-change check: a new run id alone never rewrites a position.
      ...(record.correlationId ? { lastSyncId: record.correlationId } : {}),
      ...(ledger ? { ledger } : {}),
      version: (current?.version ?? 0) + 1,
      updatedAt: at.toISOString(),
    },
    outcome,
    drift,
  };
}

/** A history is written under its version; one carried over from month buckets (version 0) only if none exists. */
const historyCondition = (version: number) => (version
  ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }
  : { ConditionExpression: 'attribute_not_exists(pk)' });

function countOutcome(result: PositionWriteResult, record: PositionRecord, outcome: ChangeOutcome): void {
  const counts = result.changes!;
  counts.applied += outcome.applied;
  counts.duplicate += outcome.duplicate;
  counts.superseded += outcome.superseded;
  counts.late.push(...outcome.late.map((change) => ({ sku: record.sku, locationId: record.locationId, change })));
}

/** Whether a stored inbound line is one a new list from `source` (within `scope`) replaces. */
const replacedBy = (line: InboundLine, source: string, scope: string | undefined): boolean =>
  (line.source ?? source) === source && (scope === undefined || (line.ref ?? '').startsWith(scope));

const quantities = (p: Pick<Position, 'onHand' | 'reserved' | 'inbound' | 'openOrders' | 'lots'>) =>
  ({ onHand: p.onHand, reserved: p.reserved, inbound: p.inbound, openOrders: p.openOrders, lots: p.lots ?? null });

const STORAGE_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', TABLE_TTL_ATTRIBUTE]);

function strip<T>(row: Row | undefined): T | undefined {
  if (!row) return undefined;
  return Object.fromEntries(Object.entries(row).filter(([k]) => !STORAGE_FIELDS.has(k))) as T;
}

export function toPosition(row: Row): Position {
  const position = strip<Position & { ledger?: unknown }>(row)!;
  return typeof position.ledger === 'string' ? { ...position, ledger: JSON.parse(position.ledger) as Position['ledger'] } : position;
}

/**
 * A position as stored. The ledger of pushed changes is one JSON string: nothing queries into it, and one string
 * attribute costs a fraction of a list of maps to write (and to carry in the stream's old and new images).
 */
function positionRow(position: Position): Row {
  return position.ledger ? { ...position, ledger: JSON.stringify(position.ledger) } : { ...position };
}

