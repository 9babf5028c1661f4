// What evaluation reads, in as few calls as the table allows: a position's partition holds its state, its demand
// history and its alert digest, so one BatchGetItem answers for 33 positions and one scan page for hundreds.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EvaluationStore, LoadedPosition, PositionRef } from '../../evaluation/pipeline.js';
import type { Standing, StandingChange, TransferBoard } from '../../evaluation/transfers.js';
import { historyFromMonths } from '../../evaluation/history.js';
import type { ScanKey, SegmentPage } from '../../evaluation/sweep.js';
import type { StoredHealth } from '../../health/model.js';
import type { DemandMonth, Item, Supplier } from '../../model.js';
import { positionKey } from '../../model.js';
import { keys } from '../../storage/table.js';
import { digestFromRow } from './alert-store.js';
import { batchGetRows, transactUnits, type TransactItem } from './client.js';
import { historyFromRow, toPosition, type DynamoInventoryStore } from './inventory-store.js';

type Row = Record<string, unknown>;

const STORAGE_FIELDS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', 'ttl']);
/** Prefix of a location's attribute on a transfer board: `@<locationId>` = [need, spare]. */
const AT = '@';
const strip = <T>(row: Row): T => Object.fromEntries(Object.entries(row).filter(([k]) => !STORAGE_FIELDS.has(k))) as T;

export class DynamoEvaluationStore implements EvaluationStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly inventory: DynamoInventoryStore,
    /** Items per scan call; default: DynamoDB's 1 MB page. Tests use small pages to get many. */
    private readonly pageItems?: number) {}

  async loadPositions(refs: readonly PositionRef[]): Promise<LoadedPosition[]> {
    const wanted = refs.flatMap((r) => [
      ...(r.position ? [] : [keys.position(r.sku, r.locationId)]),
      keys.demandHistory(r.sku, r.locationId), keys.positionAlerts(r.sku, r.locationId), keys.positionHealth(r.sku, r.locationId),
    ]);
    const rows = await batchGetRows(this.doc, this.tableName, wanted);
    const row = (k: { pk: string; sk: string }) => rows.get(`${k.pk}|${k.sk}`);
    const loaded: LoadedPosition[] = [];
    const withoutHistory: LoadedPosition[] = [];
    for (const r of refs) {
      const stateRow = r.position ? undefined : row(keys.position(r.sku, r.locationId));
      const position = r.position ?? (stateRow && toPosition(stateRow));
      if (!position) continue;
      const historyRow = row(keys.demandHistory(r.sku, r.locationId));
      const alerts = digestFromRow(row(keys.positionAlerts(r.sku, r.locationId)));
      const health = (row(keys.positionHealth(r.sku, r.locationId)) ?? null) as StoredHealth | null;
      const l: LoadedPosition = { position, history: historyRow && historyFromRow(historyRow), ...(alerts ? { alerts } : {}), health };
      loaded.push(l);
      if (!historyRow) withoutHistory.push(l);
    }
    // Positions never sold, or whose demand is still in month buckets (the earlier layout): read those.
    if (withoutHistory.length) {
      const carried = await this.inventory.histories(withoutHistory.map((l) => l.position));
      for (const l of withoutHistory) l.history = carried.get(positionKey(l.position.sku, l.position.locationId))?.history;
    }
    return loaded;
  }

  async getItems(skus: readonly string[]): Promise<Map<string, Item>> {
    const rows = await batchGetRows(this.doc, this.tableName, skus.map((s) => keys.item(s)), false);
    return new Map([...rows.values()].map((r) => [String(r.sku), strip<Item>(r)]));
  }

  async getSuppliers(ids: readonly string[]): Promise<Map<string, Supplier>> {
    const rows = await batchGetRows(this.doc, this.tableName, ids.map((id) => keys.supplier(id)), false);
    return new Map([...rows.values()].map((r) => [String(r.id), strip<Supplier>(r)]));
  }

  async getTransferBoards(skus: readonly string[]): Promise<Map<string, TransferBoard>> {
    const rows = await batchGetRows(this.doc, this.tableName, skus.map((s) => keys.transferBoard(s)), false);
    return new Map([...rows.values()].map((r) => [String(r.sku), new Map(Object.entries(r).flatMap(([k, v]) =>
      (k.startsWith(AT) && Array.isArray(v) ? [[k.slice(AT.length), { need: Number(v[0]), spare: Number(v[1]) } satisfies Standing]] : [])))]));
  }

  /**
   * One update per SKU (its locations' attributes set or removed, so concurrent writers of other locations keep
   * theirs), up to 100 SKUs per TransactWriteItems call. An update that collides with another writer's is sent once
   * more; if it collides again it is left for the position's next evaluation, which finds the board still different.
   */
  async saveStandings(changes: readonly StandingChange[]): Promise<void> {
    const bySku = new Map<string, StandingChange[]>();
    for (const c of changes) bySku.set(c.sku, [...(bySku.get(c.sku) ?? []), c]);
    let units = [...bySku].map(([sku, list]): TransactItem[] => {
      const names: Record<string, string> = { '#e': 'entity', '#s': 'sku' };
      const values: Record<string, unknown> = { ':e': 'transferBoard', ':s': sku };
      const set = ['#e = :e', '#s = :s'];
      const remove: string[] = [];
      list.forEach((c, i) => {
        names[`#l${i}`] = `${AT}${c.locationId}`;
        if (c.standing) {
          values[`:l${i}`] = [c.standing.need, c.standing.spare];
          set.push(`#l${i} = :l${i}`);
        } else remove.push(`#l${i}`);
      });
      return [{ Update: {
        TableName: this.tableName, Key: keys.transferBoard(sku), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      } }];
    });
    for (let attempt = 0; attempt < 2 && units.length; attempt++) {
      const { failed } = await transactUnits(this.doc, units, 4);
      units = failed.map((i) => units[i]!);
    }
  }

  /**
   * One page of a parallel-scan segment: the positions whose partitions it read whole. A partition cut by the page's end
   * is read again from its start by the next page (a segment never splits a partition, a page may).
   */
  async scanSegment(segment: number, totalSegments: number, start?: ScanKey): Promise<SegmentPage> {
    const items: Row[] = [];
    let from = start;
    let more: ScanKey | undefined;
    do {
      const out = await this.doc.send(new ScanCommand({
        TableName: this.tableName, Segment: segment, TotalSegments: totalSegments, ExclusiveStartKey: from, Limit: this.pageItems,
        // Only position partitions; the filter saves transfer and parsing, not read units.
        FilterExpression: 'begins_with(pk, :pos)', ExpressionAttributeValues: { ':pos': 'POS#' },
      }));
      items.push(...(out.Items ?? []));
      more = out.LastEvaluatedKey;
      from = more;
      // Keep reading while the page holds no whole partition (a very large one, or a page of filtered-out items).
    } while (more && !items.some((r) => r.pk !== items[items.length - 1]!.pk));
    const cut = more ? items.length - trailingRun(items) : items.length;
    const positions = groupPartitions(items.slice(0, cut));
    const last = items[cut - 1];
    return { positions, ...(more ? { next: last ? { pk: last.pk, sk: last.sk } : more } : {}) };
  }
}

/** How many items at the end share the last item's partition. */
function trailingRun(items: Row[]): number {
  const pk = items[items.length - 1]?.pk;
  let n = 0;
  while (n < items.length && items[items.length - 1 - n]!.pk === pk) n++;
  return n;
}

/** Position partitions (contiguous in a scan) into loaded positions; month buckets stand in for a missing history. */
function groupPartitions(items: Row[]): LoadedPosition[] {
  const out: LoadedPosition[] = [];
  let i = 0;
  while (i < items.length) {
    const pk = items[i]!.pk;
    let state: Row | undefined;
    let history: Row | undefined;
    let alerts: Row | undefined;
    let health: Row | undefined;
    const months: DemandMonth[] = [];
    for (; i < items.length && items[i]!.pk === pk; i++) {
      const row = items[i]!;
      if (row.sk === 'STATE') state = row;
      else if (row.sk === 'HISTORY') history = row;
      else if (row.sk === 'ALERTS') alerts = row;
      else if (row.sk === 'HEALTH') health = row;
      else if (String(row.sk).startsWith('DEMAND#')) {
        months.push({ sku: String(row.sku), locationId: String(row.locationId), month: String(row.month), daily: (row.daily as number[]) ?? [], outOfStockDays: (row.outOfStockDays as number[]) ?? [] });
      }
    }
    if (!state) continue;
    const digest = digestFromRow(alerts);
    out.push({ position: toPosition(state), history: history ? historyFromRow(history) : historyFromMonths(months), ...(digest ? { alerts: digest } : {}), health: (health ?? null) as StoredHealth | null });
  }
  return out;
}
