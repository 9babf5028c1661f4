// sap-s4: OData V2 API_MATERIAL_STOCK_SRV. Full stock snapshots per plant (the entity has no change timestamp),
// summed over storage locations and batches; decimals arrive as strings ("100.000").
import { z } from 'zod';
import { baseOptions, checkpoint, ConnectorError, defineConnector, mapRecord, type ConnectorContext, type ReadMessage } from '../sdk/contract.js';
import { locationMapOption, mapLocation } from '../sdk/mapping.js';
import { odataPages } from '../sdk/paging.js';

export const sapS4Options = baseOptions.extend({
  /** Communication user (arrangement SAP_COM_0164); the credential is its password. */
  user: z.string().min(1),
  /** Plants to read; each is one snapshot query. */
  plants: z.array(z.string().min(1)).min(1),
  /** On-premise systems need the client, e.g. "100". */
  sapClient: z.string().regex(/^\d{3}$/).optional(),
  /** InventoryStockType codes that count as on hand: 01 unrestricted use (02 quality inspection, 07 blocked…). */
  stockTypes: z.array(z.string()).default(['01']),
  /** Also count special stock (K consignment, E sales-order, Q project); default: own stock only. */
  includeSpecialStock: z.boolean().default(false),
  /** One position per plant, or per plant/storage location ("1710/171A"). */
  level: z.enum(['plant', 'storageLocation']).default('plant'),
  /** Plant (or "plant/storage location") → hub location; unmapped ones use the slugified code. */
  locations: locationMapOption,
  pageSize: z.number().int().min(1).max(5000).default(1000),
});
export type SapS4Options = z.infer<typeof sapS4Options>;
type Ctx = ConnectorContext<SapS4Options>;

const SERVICE = '/sap/opu/odata/sap/API_MATERIAL_STOCK_SRV';

interface StockRow { Material: string; Plant: string; StorageLocation: string; InventoryStockType: string; InventorySpecialStockType: string; MatlWrhsStkQtyInMatlBaseUnit: string }

function url(ctx: Ctx, plant: string): string {
  const u = new URL(`${ctx.endpoint}${SERVICE}/A_MatlStkInAcctMod`);
  const types = ctx.options.stockTypes.map((t) => `InventoryStockType eq '${t}'`).join(' or ');
  u.searchParams.set('$filter', `Plant eq '${plant.replace(/'/g, "''")}' and (${types})`);
  u.searchParams.set('$select', 'Material,Plant,StorageLocation,InventoryStockType,InventorySpecialStockType,MatlWrhsStkQtyInMatlBaseUnit');
  u.searchParams.set('$top', String(ctx.options.pageSize));
  u.searchParams.set('$format', 'json');
  if (ctx.options.sapClient) u.searchParams.set('sap-client', ctx.options.sapClient);
  return u.toString();
}

async function* readPositions(ctx: Ctx): AsyncGenerator<ReadMessage> {
  for (const plant of ctx.options.plants) {
    // A material's stock spans storage locations and batches, possibly across pages: sum the whole plant first.
    const totals = new Map<string, { sku: string; location: string; qty: number; rows: StockRow[] }>();
    for await (const page of odataPages<StockRow>(ctx.http, url(ctx, plant))) {
      if (page.response && page.response.status >= 400) throw sapError(page.response.status, page.response.body);
      for (const row of page.rows) {
        if (row.InventorySpecialStockType && !ctx.options.includeSpecialStock) continue;
        const location = ctx.options.level === 'plant' ? row.Plant : `${row.Plant}/${row.StorageLocation}`;
        const key = `${row.Material}\u0000${location}`;
        const entry = totals.get(key) ?? { sku: row.Material, location, qty: 0, rows: [] };
        entry.qty += Number(row.MatlWrhsStkQtyInMatlBaseUnit);
        entry.rows.push(row);
        totals.set(key, entry);
      }
    }
    for (const total of totals.values()) {
      yield mapRecord(total, (t) => {
        if (t.rows.some((r) => !/^-?\d+(\.\d+)?$/.test(r.MatlWrhsStkQtyInMatlBaseUnit))) throw new Error(`MatlWrhsStkQtyInMatlBaseUnit is not a decimal: ${t.rows.map((r) => r.MatlWrhsStkQtyInMatlBaseUnit).join(', ')}`);
        return { sku: t.sku, locationId: mapLocation(ctx.options.locations, t.location, t.location).id, onHand: t.qty };
      });
    }
    yield checkpoint({ plant });
  }
}

function sapError(status: number, body: unknown): ConnectorError {
  const message = (body as { error?: { code?: string; message?: { value?: string } } })?.error;
  return new ConnectorError('SAP_ODATA', `SAP answered HTTP ${status}${message ? ` ${message.code}: ${message.message?.value}` : ''}.${status === 401 ? ' Check the communication user and password.' : ''}`);
}

export const sapS4 = defineConnector<SapS4Options>({
  type: 'sap-s4',
  spec: sapS4Options,
  http: (ctx) => ({ headers: { authorization: `Basic ${Buffer.from(`${ctx.options.user}:${ctx.credential ?? ''}`).toString('base64')}` } }),
  async check(ctx) {
    const u = new URL(`${ctx.endpoint}${SERVICE}/A_MatlStkInAcctMod`);
    u.searchParams.set('$top', '1');
    u.searchParams.set('$format', 'json');
    if (ctx.options.sapClient) u.searchParams.set('sap-client', ctx.options.sapClient);
    const response = await ctx.http.get(u.toString());
    return response.status === 200 ? { ok: true } : { ok: false, reason: sapError(response.status, response.body).message };
  },
  discover: () => [{ name: 'positions' }],
  read: (stream, _cursor, ctx) => (stream === 'positions' ? readPositions(ctx) : (async function* () {})()),
});
