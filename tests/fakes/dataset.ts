// The canonical dataset every fake server serves, and seeded generators of large ones.
import type { Item, Location, PositionState, SalesRecord, Supplier } from '../../shared/model.js';
import { seededRandom } from '../../shared/random.js';
import { addDays } from '../../shared/time.js';

export interface PurchaseOrderLine {
  sku: string;
  locationId: string;
  /** Open quantity (ordered − received). */
  qty: number;
  eta: string;
  supplierId: string;
  /** The purchase order number, e.g. PO00042. */
  ref: string;
  orderedAt?: string;
}

export interface Dataset {
  items: Item[];
  locations: Location[];
  positions: PositionState[];
  sales: SalesRecord[];
  suppliers: Supplier[];
  purchaseOrders: PurchaseOrderLine[];
}


export interface GenerateOptions {
  items: number;
  /** Number of locations (the first is a warehouse, the last a web channel when there are 3+). */
  locations?: number;
  seed?: number;
  /** Days of sales history per position ending `asOf` (0: none). */
  salesDays?: number;
  asOf?: string;
  /** Share of positions with an open purchase order line. */
  openOrderShare?: number;
  suppliers?: number;
}

/** A seeded dataset: items × locations positions, suppliers, open purchase orders and recent sales. */
export function generateDataset(options: GenerateOptions): Dataset {
  const random = seededRandom(options.seed ?? 1).next;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const asOf = options.asOf ?? '2026-05-01';
  const locationCount = options.locations ?? 3;
  const locations: Location[] = Array.from({ length: locationCount }, (_, i) => {
    if (i === 0) return { id: 'wh-main', name: 'Main Warehouse', kind: 'warehouse' };
    if (i === locationCount - 1 && locationCount >= 3) return { id: 'web', name: 'Web Shop', kind: 'channel' };
    return { id: `store-${String(i).padStart(3, '0')}`, name: `Store ${i}`, kind: 'store', parent: 'wh-main' };
  });
  const suppliers: Supplier[] = Array.from({ length: options.suppliers ?? 3 }, (_, i) => ({
    id: `sup-${String(i + 1).padStart(2, '0')}`, name: `Supplier ${i + 1}`, leadTimeDays: int(3, 21),
  }));
  const categories = ['grocery', 'household', 'hardware', 'garden'];
  const items: Item[] = Array.from({ length: options.items }, (_, i) => {
    const unitCost = int(100, 5000) / 100;
    return {
      sku: `SKU-${String(i + 1).padStart(6, '0')}`,
      name: `Article ${i + 1}`,
      category: categories[i % categories.length]!,
      unitCost,
      unitPrice: Math.round(unitCost * 180) / 100,
      minQty: int(2, 10),
      maxQty: int(20, 60),
      moq: int(1, 12),
      supplierId: suppliers[i % suppliers.length]!.id,
    };
  });
  const positions: PositionState[] = [];
  const purchaseOrders: PurchaseOrderLine[] = [];
  const sales: SalesRecord[] = [];
  let po = 0;
  for (const it of items) {
    for (const loc of locations) {
      const onHand = int(-2, 80);
      positions.push({ sku: it.sku, locationId: loc.id, onHand, reserved: Math.max(0, Math.min(onHand, int(0, 5))), inbound: [], openOrders: [] });
      if (loc.kind === 'warehouse' && random() < (options.openOrderShare ?? 0.2)) {
        po++;
        purchaseOrders.push({ sku: it.sku, locationId: loc.id, qty: int(10, 100), eta: addDays(asOf, int(2, 30)), supplierId: it.supplierId!, ref: `PO${String(po).padStart(5, '0')}`, orderedAt: addDays(asOf, -int(1, 10)) });
      }
      for (let d = (options.salesDays ?? 0) - 1; d >= 0; d--) {
        const qty = int(0, 6);
        if (qty > 0) sales.push({ sku: it.sku, locationId: loc.id, day: addDays(asOf, -d), qty });
      }
    }
  }
  return { items, locations, positions, sales, suppliers, purchaseOrders };
}

/**
 * A copy of `dataset` with round(fraction × positions) distinct positions' on-hand changed (never to the same
 * value); everything else is shared, so a resync should write exactly those.
 */
export function mutate(dataset: Dataset, fraction: number, seed: number): Dataset {
  const random = seededRandom(seed).next;
  const count = Math.round(fraction * dataset.positions.length);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, dataset.positions.length)) chosen.add(Math.floor(random() * dataset.positions.length));
  const positions = dataset.positions.map((p, i) => (chosen.has(i) ? { ...p, onHand: p.onHand + 1 + Math.floor(random() * 10) } : p));
  return { ...dataset, positions };
}

/** A small retailer, hand-written so tests can read it: two stores, a warehouse, a web channel, lots and open orders. */
export function sampleDataset(): Dataset {
  return {
    locations: [
      { id: 'wh-central', name: 'Central Warehouse', kind: 'warehouse' },
      { id: 'store-north', name: 'North Store', kind: 'store', parent: 'wh-central' },
      { id: 'store-south', name: 'South Store', kind: 'store', parent: 'wh-central' },
      { id: 'web', name: 'Web Shop', kind: 'channel' },
    ],
    suppliers: [
      { id: 'sup-acme', name: 'Acme Foods', leadTimeDays: 5 },
      { id: 'sup-bolt', name: 'Bolt Hardware', leadTimeDays: 12 },
    ],
    items: [
      { sku: 'MILK-1L', name: 'Milk 1 l', category: 'dairy', unitCost: 0.62, unitPrice: 1.19, minQty: 20, maxQty: 120, moq: 12, supplierId: 'sup-acme' },
      { sku: 'FLOUR-1KG', name: 'Flour 1 kg', category: 'grocery', unitCost: 0.45, unitPrice: 0.99, minQty: 10, maxQty: 80, moq: 10, supplierId: 'sup-acme' },
      { sku: 'HAMMER', name: 'Claw hammer', category: 'hardware', unitCost: 7.3, unitPrice: 14.9, minQty: 2, maxQty: 12, moq: 1, supplierId: 'sup-bolt' },
    ],
    positions: [
      { sku: 'MILK-1L', locationId: 'wh-central', onHand: 240, reserved: 12, inbound: [], openOrders: [], lots: [{ qty: 120, receivedAt: '2026-04-20', expiresAt: '2026-05-04', lotId: 'L-0420' }, { qty: 120, receivedAt: '2026-04-27', expiresAt: '2026-05-11', lotId: 'L-0427' }] },
      { sku: 'MILK-1L', locationId: 'store-north', onHand: 18, reserved: 0, inbound: [], openOrders: [] },
      { sku: 'MILK-1L', locationId: 'store-south', onHand: -2, reserved: 0, inbound: [], openOrders: [] },
      { sku: 'FLOUR-1KG', locationId: 'wh-central', onHand: 0.3, reserved: 0, inbound: [], openOrders: [] },
      { sku: 'FLOUR-1KG', locationId: 'store-north', onHand: 35, reserved: 2, inbound: [], openOrders: [] },
      { sku: 'HAMMER', locationId: 'wh-central', onHand: 7, reserved: 1, inbound: [], openOrders: [] },
      { sku: 'HAMMER', locationId: 'web', onHand: 4, reserved: 1, inbound: [], openOrders: [] },
    ],
    purchaseOrders: [
      { sku: 'MILK-1L', locationId: 'wh-central', qty: 240, eta: '2026-05-03', supplierId: 'sup-acme', ref: 'PO00017', orderedAt: '2026-04-28' },
      { sku: 'FLOUR-1KG', locationId: 'wh-central', qty: 100, eta: '2026-05-06', supplierId: 'sup-acme', ref: 'PO00017', orderedAt: '2026-04-28' },
      { sku: 'HAMMER', locationId: 'wh-central', qty: 10, eta: '2026-05-12', supplierId: 'sup-bolt', ref: 'PO00018', orderedAt: '2026-04-29' },
    ],
    sales: [
      { sku: 'MILK-1L', locationId: 'store-north', day: '2026-04-29', qty: 14 },
      { sku: 'MILK-1L', locationId: 'store-north', day: '2026-04-30', qty: 11 },
      { sku: 'MILK-1L', locationId: 'store-south', day: '2026-04-30', qty: 9 },
      { sku: 'HAMMER', locationId: 'web', day: '2026-04-30', qty: 2 },
    ],
  };
}
