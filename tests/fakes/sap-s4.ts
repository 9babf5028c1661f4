// A fake SAP S/4HANA API_MATERIAL_STOCK_SRV (OData V2): Basic auth, $filter on Plant/InventoryStockType, $top with
// __next $skiptoken paging, string decimals, several storage locations per material, quality and consignment rows.
import type { Dataset } from './dataset.js';
import { json, startServer, type FakeServer } from './server.js';

export interface FakeSapS4 extends FakeServer {
  update(next: Dataset): void;
}

/** Plant codes for the dataset's locations, in order: 1710, 1720, … */
export const sapPlantOf = (dataset: Dataset, locationId: string): string => String(1710 + 10 * dataset.locations.findIndex((l) => l.id === locationId));

export function sapLocationMap(dataset: Dataset): Record<string, string> {
  return Object.fromEntries(dataset.locations.map((l) => [sapPlantOf(dataset, l.id), l.id]));
}

const decimal = (n: number) => n.toFixed(3);

export async function startFakeSapS4(dataset: Dataset, options: { user?: string; password?: string } = {}): Promise<FakeSapS4> {
  const auth = `Basic ${Buffer.from(`${options.user ?? 'COMM_USER'}:${options.password ?? 'sap-pass'}`).toString('base64')}`;
  let current = dataset;
  const rowsOf = (d: Dataset) => d.positions.flatMap((p) => {
    const plant = sapPlantOf(d, p.locationId);
    const base = { Material: p.sku, Plant: plant, Batch: '', Supplier: '', Customer: '', WBSElementInternalID: '00000000', SDDocument: '', SDDocumentItem: '000000', WBSElementExternalID: '', MaterialBaseUnit: 'PC' };
    // Split on-hand over two storage locations (a third of it in the second), like a real plant.
    const second = Math.round((p.onHand / 3) * 1000) / 1000;
    return [
      { ...base, StorageLocation: '171A', InventorySpecialStockType: '', InventoryStockType: '01', MatlWrhsStkQtyInMatlBaseUnit: decimal(p.onHand - second) },
      { ...base, StorageLocation: '171B', InventorySpecialStockType: '', InventoryStockType: '01', MatlWrhsStkQtyInMatlBaseUnit: decimal(second) },
      { ...base, StorageLocation: '171A', InventorySpecialStockType: '', InventoryStockType: '02', MatlWrhsStkQtyInMatlBaseUnit: '5.000' },
      { ...base, StorageLocation: '171A', InventorySpecialStockType: 'K', InventoryStockType: '01', Supplier: 'S1', MatlWrhsStkQtyInMatlBaseUnit: '7.000' },
    ];
  });
  const server = await startServer((req) => {
    if (req.headers.authorization !== auth) return json({ error: { code: '/IWFND/CM_CONSUMER/401', message: { lang: 'en', value: 'Logon failed for user' } } }, 401);
    if (!req.url.pathname.endsWith('/API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod')) return json({ error: { code: '/IWFND/MED/170', message: { lang: 'en', value: `No service found for ${req.url.pathname}` } } }, 404);
    const q = req.url.searchParams;
    const filter = q.get('$filter') ?? '';
    const plant = /Plant eq '([^']*)'/.exec(filter)?.[1];
    const types = [...filter.matchAll(/InventoryStockType eq '([^']*)'/g)].map((m) => m[1]);
    const rows = rowsOf(current).filter((r) => (!plant || r.Plant === plant) && (types.length === 0 || types.includes(r.InventoryStockType)));
    const top = Number(q.get('$top') ?? 100);
    const skip = Number(q.get('$skiptoken') ?? q.get('$skip') ?? 0);
    const page = rows.slice(skip, skip + top).map((r, i) => ({ __metadata: { id: `A_MatlStkInAcctMod(${skip + i})`, type: 'API_MATERIAL_STOCK_SRV.A_MatlStkInAcctModType' }, ...r }));
    const next = new URL(req.url.pathname, 'http://127.0.0.1');
    for (const [k, v] of q) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', String(skip + top));
    return json({ d: { __count: String(rows.length), results: page, ...(skip + top < rows.length ? { __next: `${server.url}${next.pathname}${next.search}` } : {}) } });
  });
  return { ...server, update: (next) => { current = next; } };
}
