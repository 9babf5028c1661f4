// The demo of `npm start`: a small retailer (3 stores + a web channel, ~200 SKUs, 3 suppliers, 180 days
// of sales) with some positions deliberately about to run out, some overstocked, the rest healthy.
import type { Item, Location, PositionState, SalesRecord, Supplier } from '../../../shared/model.js';
import { seededRandom } from '../../../shared/random.js';
import { addDays } from '../../../shared/time.js';

export type DemoCondition = 'healthy' | 'at-risk' | 'out-of-stock' | 'overstocked';

export interface DemoPurchaseOrder { sku: string; locationId: string; qty: number; eta: string; supplierId: string; ref: string }

export interface DemoRetailer {
  asOf: string;
  items: Item[];
  locations: Location[];
  suppliers: Supplier[];
  positions: PositionState[];
  sales: SalesRecord[];
  purchaseOrders: DemoPurchaseOrder[];
  /** What each position was built to be, keyed sku@location, so a run can be checked against intent. */
  conditions: Map<string, DemoCondition>;
}

export const DEMO_LOCATIONS: Location[] = [
  { id: 'store-north', name: 'North Street store', kind: 'store', group: 'stores', timeZone: 'Europe/Berlin' },
  { id: 'store-south', name: 'South Mall store', kind: 'store', group: 'stores', timeZone: 'Europe/Berlin' },
  { id: 'store-east', name: 'East Station store', kind: 'store', group: 'stores', timeZone: 'Europe/Berlin' },
  { id: 'web', name: 'Web shop', kind: 'channel', group: 'online', timeZone: 'Europe/Berlin' },
];

export const DEMO_SUPPLIERS: Supplier[] = [
  { id: 'sup-fast', name: 'Quick Wholesale', leadTimeDays: 3, observedLeadTimes: [3, 3, 4, 3, 3, 4, 3, 3] },
  { id: 'sup-std', name: 'Standard Goods Co', leadTimeDays: 7, observedLeadTimes: [7, 8, 7, 6, 8, 7, 9, 7] },
  { id: 'sup-slow', name: 'Overseas Imports', leadTimeDays: 21, observedLeadTimes: [20, 23, 21, 24, 19, 22, 25, 21] },
];

const CATEGORIES = ['grocery', 'household', 'personal-care', 'electronics', 'toys'];
/** Product names per category, so messages read like a shop's: `Oat milk 1 l`, `Dish soap 500 ml, lemon`. */
const PRODUCTS: Record<string, string[]> = {
  grocery: ['Oat milk 1 l', 'Espresso beans 1 kg', 'Basmati rice 2 kg', 'Olive oil 750 ml', 'Greek yoghurt 500 g', 'Dark chocolate 100 g', 'Pasta fusilli 500 g', 'Green tea, 40 bags'],
  household: ['Dish soap 500 ml', 'Laundry pods, 30 pack', 'Glass jar 1 l', 'Tea towel, linen', 'Kitchen roll, 4 pack', 'Scented candle', 'Sponge cloths, 10 pack', 'Bin bags 30 l'],
  'personal-care': ['Hand cream 75 ml', 'Shampoo 250 ml', 'Toothpaste 100 ml', 'Shower gel 400 ml', 'Cotton pads, 80 pack', 'Sun cream SPF 30', 'Lip balm', 'Body lotion 200 ml'],
  electronics: ['USB-C charger 30 W', 'AA batteries, 8 pack', 'Earbuds, wireless', 'HDMI cable 2 m', 'Power bank 10000 mAh', 'LED bulb E27', 'Phone case', 'Extension lead, 4 way'],
  toys: ['Board game "Harbour"', 'Jigsaw, 1000 pieces', 'Building blocks, 250', 'Plush bear', 'Card game "Lanterns"', 'Kite, delta', 'Modelling clay set', 'Toy car, wooden'],
};
const VARIANTS = ['', 'twin pack', 'value pack', 'large', 'small', 'gift edition', 'XL', 'mini'];
const HISTORY_DAYS = 180;

export function demoRetailer(options: { asOf: string; skus?: number; seed?: number }): DemoRetailer {
  const rng = seededRandom(options.seed ?? 42);
  const skuCount = options.skus ?? 200;
  const items: Item[] = [];
  const positions: PositionState[] = [];
  const sales: SalesRecord[] = [];
  const purchaseOrders: DemoPurchaseOrder[] = [];
  const conditions = new Map<string, DemoCondition>();
  const start = addDays(options.asOf, -(HISTORY_DAYS - 1));

  for (let n = 1; n <= skuCount; n++) {
    const sku = `SKU-${String(n).padStart(4, '0')}`;
    const supplier = DEMO_SUPPLIERS[n % DEMO_SUPPLIERS.length]!;
    const unitCost = Math.round((2 + rng.next() * 48) * 100) / 100;
    items.push({
      sku, name: productName(n), category: CATEGORIES[n % CATEGORIES.length]!,
      unitCost, unitPrice: Math.round(unitCost * 1.6 * 100) / 100,
      packSize: rng.pick([1, 1, 6, 12]), supplierId: supplier.id,
    });
    for (const location of DEMO_LOCATIONS) {
      const meanDaily = 1 + rng.next() * 7;
      for (let d = 0; d < HISTORY_DAYS; d++) {
        const weekday = (d + 3) % 7;
        const weekly = weekday >= 5 ? 1.25 : 0.9;
        sales.push({ sku, locationId: location.id, day: addDays(start, d), qty: rng.poisson(meanDaily * weekly) });
      }
      const condition = conditionFor(n, location.id);
      conditions.set(`${sku}@${location.id}`, condition);
      const cycle = supplier.leadTimeDays + 7; // lead time + weekly review
      const onHand = {
        'healthy': Math.round(meanDaily * (cycle + 5)),
        'at-risk': Math.round(meanDaily * supplier.leadTimeDays * 0.3),
        'out-of-stock': 0,
        'overstocked': Math.round(meanDaily * cycle * 6),
      }[condition];
      positions.push({ sku, locationId: location.id, onHand, reserved: 0, inbound: [], openOrders: [] });
      if (condition === 'healthy' && n % 5 === 0) {
        // Some healthy positions have an order on the way, arriving in time.
        purchaseOrders.push({ sku, locationId: location.id, qty: Math.round(meanDaily * 7), eta: addDays(options.asOf, 2), supplierId: supplier.id, ref: `PO-${n}-${location.id}` });
      }
    }
  }
  return { asOf: options.asOf, items, locations: DEMO_LOCATIONS, suppliers: DEMO_SUPPLIERS, positions, sales, purchaseOrders, conditions };
}

/** A fixed, readable spread: a dozen positions at risk, two out of stock, eight overstocked. */
function conditionFor(n: number, locationId: string): DemoCondition {
  if (n % 17 === 0 && locationId === 'store-north') return 'at-risk';
  if (n % 23 === 0 && locationId === 'web') return 'at-risk';
  if (n === 50 && locationId === 'store-south') return 'out-of-stock';
  if (n === 150 && locationId === 'store-east') return 'out-of-stock';
  if (n % 25 === 0 && locationId === 'store-east') return 'overstocked';
  return 'healthy';
}

function productName(n: number): string {
  const names = PRODUCTS[CATEGORIES[n % CATEGORIES.length]!]!;
  const k = Math.floor(n / CATEGORIES.length);
  const variant = VARIANTS[Math.floor(k / names.length) % VARIANTS.length];
  return `${names[k % names.length]!}${variant ? `, ${variant}` : ''}`;
}
