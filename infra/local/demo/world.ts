// Starts the demo's outside world: the retailer's data on a fake Shopify (stores, web shop, sales) and a
// fake Odoo (items, suppliers, open purchase orders), and the supplier desk that acknowledges orders.
import { startFakeOdoo, odooLocationMap, type FakeOdoo } from '../../../tests/fakes/odoo.js';
import { startFakeShopify, shopifyLocationMap, type FakeShopify } from '../../../tests/fakes/shopify.js';
import type { Dataset } from '../../../tests/fakes/dataset.js';
import { parseHubConfig, type HubConfig, type HubConfigInput } from '../../../shared/config.js';
import type { Clock } from '../../../shared/ports.js';
import { toDay } from '../../../shared/time.js';
import { DEMO_ENV, demoConfig } from './config.js';
import { startDemoPartner, type DemoPartner } from './partner.js';
import { demoRetailer, type DemoRetailer } from './retailer.js';

export interface DemoWorld {
  retailer: DemoRetailer;
  /** What the fake Shopify serves; change it and call `shopify.update` to simulate the shop moving. */
  shopData: Dataset;
  config: HubConfig;
  shopify: FakeShopify;
  odoo: FakeOdoo;
  partner: DemoPartner;
  stop(): Promise<void>;
}

/** `configure` adjusts the demo's hub.config before it is validated (benchmarks add a push source, tighter grouping). */
export async function startDemo(options: { apiUrl: string; clock: Clock; skus?: number; configure?: (config: HubConfigInput) => HubConfigInput }): Promise<DemoWorld> {
  // Demo-only credentials the fakes accept; set only where unset, so a user can see how env references work.
  for (const [name, value] of Object.entries(DEMO_ENV)) process.env[name] ??= value;
  const retailer = demoRetailer({ asOf: toDay(options.clock.now()), skus: options.skus });
  const shopData: Dataset = { ...retailer, items: retailer.items, suppliers: [], purchaseOrders: [] };
  const erpData: Dataset = { ...retailer, positions: [], sales: [] };
  const shopify = await startFakeShopify(shopData, { token: process.env.SHOPIFY_TOKEN });
  const odoo = await startFakeOdoo(erpData, { apiKey: process.env.ODOO_API_KEY, db: 'shop', login: 'api@example.com' });
  const partner = await startDemoPartner({
    alertSecret: process.env.DEMO_WEBHOOK_SECRET!,
    suppliers: Object.fromEntries(retailer.suppliers.map((s) => [s.id, { secret: process.env.DEMO_SUPPLIER_SECRET!, promiseDays: s.leadTimeDays }])),
    ackBaseUrl: () => options.apiUrl,
    now: () => options.clock.now(),
  });
  const input = demoConfig({
    shopifyUrl: shopify.url, shopifyLocations: shopifyLocationMap(shopData),
    odooUrl: odoo.url, odooLocations: odooLocationMap(erpData),
    partnerUrl: partner.url, apiUrl: options.apiUrl,
  });
  const config = parseHubConfig(options.configure?.(input) ?? input, 'demo config');
  return {
    retailer, shopData, config, shopify, odoo, partner,
    stop: async () => { await Promise.all([shopify.stop(), odoo.stop(), partner.stop()]); },
  };
}
