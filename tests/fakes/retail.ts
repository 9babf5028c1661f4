// A seeded retailer at scale: a warehouse and stores, SKUs with A/B/C demand (weekly rhythm, intermittent tails),
// stock mostly healthy with the usual few percent short, out, overstocked, dead or expiring; a year of daily sales.
// seedRetail writes it with the same item builders the sync uses, in batches, so large tables seed in seconds.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyDigestItem, historyItem, positionItem } from '../../shared/adapters/dynamodb/inventory-store.js';
import { chunked, mapLimited } from '../../shared/concurrency.js';
import type { HubConfigInput } from '../../shared/config.js';
import { dayNumber, isoDay } from '../../shared/engine/calendar.js';
import type { DemandHistory } from '../../shared/evaluation/history.js';
import type { Item, Location, Position } from '../../shared/model.js';
import { seededRandom } from '../../shared/random.js';
import { keys } from '../../shared/storage/table.js';

export interface RetailOptions {
  positions: number;
  /** A warehouse plus stores (default 20 locations). */
  locations?: number;
  seed?: number;
  /** The day the data ends (sales through the day before). */
  asOf?: string;
  historyDays?: number;
}

export interface Retail {
  locations: Location[];
  items: Item[];
  suppliers: NonNullable<HubConfigInput['suppliers']>;
  positions: Position[];
  histories: DemandHistory[];
  /** Mean daily demand per position (same order as positions), for tests that need to know what is short. */
  meanDaily: number[];
}

export function generateRetail(options: RetailOptions): Retail {
  const rng = seededRandom(options.seed ?? 15);
  const asOf = dayNumber(options.asOf ?? '2026-05-01');
  const days = options.historyDays ?? 365;
  const locationCount = options.locations ?? 20;
  const locations: Location[] = Array.from({ length: locationCount }, (_, i) => (i === 0
    ? { id: 'wh-main', name: 'Main Warehouse', kind: 'warehouse' as const }
    : { id: `store-${String(i).padStart(3, '0')}`, name: `Store ${i}`, kind: 'store' as const, parent: 'wh-main', group: i % 2 ? 'north' : 'south' }));
  const suppliers = Array.from({ length: 10 }, (_, i) => ({ id: `sup-${String(i + 1).padStart(2, '0')}`, name: `Supplier ${i + 1}`, leadTimeDays: 3 + (i % 5) * 2 }));
  const skuCount = Math.ceil(options.positions / locationCount);
  const categories = ['grocery', 'dairy', 'household', 'hardware', 'garden', 'toys'];
  const items: Item[] = Array.from({ length: skuCount }, (_, i) => {
    const unitCost = rng.int(50, 8000) / 100;
    const abc = i % 10 < 2 ? 'A' : i % 10 < 5 ? 'B' : 'C';
    return {
      sku: `SKU-${String(i + 1).padStart(6, '0')}`, name: `Article ${i + 1}`, category: categories[i % categories.length]!, abcClass: abc,
      unitCost, unitPrice: Math.round(unitCost * 170) / 100, packSize: rng.pick([1, 1, 6, 12]), moq: rng.pick([0, 0, 6, 24]),
      supplierId: suppliers[i % suppliers.length]!.id,
    };
  });
  const positions: Position[] = [];
  const histories: DemandHistory[] = [];
  const meanDaily: number[] = [];
  const at = `${isoDay(asOf)}T00:00:00.000Z`;
  for (const item of items) {
    for (const location of locations) {
      if (positions.length >= options.positions) break;
      const rate = (item.abcClass === 'A' ? 4 + rng.next() * 16 : item.abcClass === 'B' ? 1 + rng.next() * 4 : 0.05 + rng.next() * 0.9) * (location.kind === 'warehouse' ? 5 : 1);
      // Some C items stopped selling months ago: dead stock.
      const dead = item.abcClass === 'C' && rng.next() < 0.04;
      const daily: number[] = [];
      for (let d = 0; d < days; d++) {
        const day = asOf - days + d;
        const weekly = (day + 3) % 7 >= 5 ? 1.5 : 0.85;
        daily.push(dead && d > days - 150 ? 0 : rng.poisson(rate * weekly));
      }
      const outOfStock = rng.next() < 0.03 ? [days - 3, days - 2] : [];
      const roll = rng.next();
      const lead = suppliers.find((x) => x.id === item.supplierId)!.leadTimeDays;
      // Cover in days: mostly what the next order is due to top up (lead time plus a few days to two weeks); a few
      // positions out, short, or far overstocked.
      const healthy = roll >= 0.1;
      const cover = roll < 0.03 ? 0 : roll < 0.06 ? rng.next() * 3 : roll < 0.1 ? 90 + rng.next() * 120 : lead + 3 + rng.next() * 11;
      const onHand = healthy ? Math.max(2, Math.ceil(rate * cover)) : Math.round(rate * cover);
      const inbound = rng.next() < 0.15
        ? [{ qty: Math.max(1, Math.round(rate * 14)), eta: isoDay(asOf + rng.int(1, 12)), orderedAt: isoDay(asOf - rng.int(1, 5)), supplierId: item.supplierId!, ref: `PO${positions.length}`, source: 'erp' }]
        : [];
      const lots = rng.next() < 0.04 ? [{ qty: Math.max(1, onHand), receivedAt: isoDay(asOf - 60), expiresAt: isoDay(asOf + rng.int(2, 20)), lotId: `L${positions.length}` }] : undefined;
      positions.push({
        sku: item.sku, locationId: location.id, onHand, reserved: onHand > 4 && rng.next() < 0.2 ? 1 : 0, inbound, openOrders: [],
        ...(lots ? { lots } : {}), sources: ['shop', 'erp'], version: 1, updatedAt: at,
      });
      // As recordSales stores it: nothing after the last day with a sale or a stockout.
      let end = daily.length;
      while (end > 0 && daily[end - 1] === 0 && !outOfStock.includes(end - 1)) end--;
      histories.push({ sku: item.sku, locationId: location.id, start: isoDay(asOf - days), daily: daily.slice(0, end), outOfStock });
      meanDaily.push(rate);
    }
  }
  return { locations, items, suppliers, positions, histories, meanDaily };
}

/** Writes the retailer's items, positions (with the empty alert digest a new position gets) and histories, 25 a call. */
export async function seedRetail(doc: DynamoDBDocumentClient, tableName: string, retail: Retail): Promise<void> {
  const rows = [
    ...retail.items.map((i) => ({ ...keys.item(i.sku), entity: 'item', ...i })),
    ...retail.suppliers.map((s) => ({ ...keys.supplier(s.id), entity: 'supplier', id: s.id, name: s.name, leadTimeDays: s.leadTimeDays })),
    ...retail.locations.map((l) => ({ ...keys.location(l.id), entity: 'location', ...l })),
    ...retail.positions.flatMap((p) => [positionItem(p), emptyDigestItem(p.sku, p.locationId)]),
    ...retail.histories.map((h) => historyItem(h, 1)),
  ];
  await mapLimited(chunked(rows, 25), 8, async (chunk) => {
    let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
      request = out.UnprocessedItems as typeof request;
    }
  });
}

/** The hub config of the retailer: its locations (with groups) and suppliers. */
export function retailConfig(retail: Retail, extra: Partial<HubConfigInput> = {}): HubConfigInput {
  return { locations: retail.locations, suppliers: retail.suppliers, ...extra };
}
