// The hub.config of the demo: the fake Shopify and Odoo as sources, a local supplier desk, and receivers
// for store managers, the web team (a signed webhook) and the buyers.
import type { HubConfigInput } from '../../../shared/config.js';
import { DEMO_LOCATIONS, DEMO_SUPPLIERS } from './retailer.js';

/** Demo-only credentials, set in the process environment by the runtime (never real secrets). */
export const DEMO_ENV = {
  SHOPIFY_TOKEN: 'shpat_demo_local_only',
  ODOO_API_KEY: 'odoo-demo-local-only',
  DEMO_WEBHOOK_SECRET: 'demo-webhook-secret',
  DEMO_SUPPLIER_SECRET: 'demo-supplier-secret',
} as const;

export interface DemoEndpoints {
  shopifyUrl: string;
  shopifyLocations: Record<string, { id: string; kind: 'warehouse' | 'store' | 'channel' }>;
  odooUrl: string;
  odooLocations: Record<string, { id: string; kind: 'warehouse' | 'store' | 'channel' }>;
  partnerUrl: string;
  apiUrl: string;
}

export function demoConfig(endpoints: DemoEndpoints): HubConfigInput {
  const stores = DEMO_LOCATIONS.filter((l) => l.kind === 'store');
  return {
    name: 'stocksentry',
    stage: 'local',
    locations: DEMO_LOCATIONS,
    connectors: [
      {
        name: 'shop', type: 'shopify', schedule: 'rate(15 minutes)', endpoint: endpoints.shopifyUrl,
        credentials: { env: 'SHOPIFY_TOKEN' },
        options: { locations: endpoints.shopifyLocations, salesHistoryDays: 180, streams: ['positions', 'sales'] },
      },
      {
        name: 'erp', type: 'odoo', schedule: 'rate(1 hour)', endpoint: endpoints.odooUrl,
        credentials: { env: 'ODOO_API_KEY' },
        options: { db: 'shop', login: 'api@example.com', locations: endpoints.odooLocations, streams: ['items', 'suppliers', 'purchaseOrders'] },
      },
    ],
    suppliers: DEMO_SUPPLIERS.map((s) => ({
      id: s.id, name: s.name, leadTimeDays: s.leadTimeDays, format: 'json' as const,
      endpoint: `${endpoints.partnerUrl}/orders/${s.id}`, secret: { env: 'DEMO_SUPPLIER_SECRET' },
    })),
    replenishment: { currency: 'EUR', approval: { autoApproveBelow: 5000 } },
    receivers: [
      ...stores.map((s) => ({ name: `${s.id}-manager`, emails: [`${s.id}@retailer.example`], phones: [`+4930555${String(stores.indexOf(s)).padStart(4, '0')}`] })),
      { name: 'web-team', emails: ['web@retailer.example'], webhooks: [{ url: `${endpoints.partnerUrl}/alerts`, secret: { env: 'DEMO_WEBHOOK_SECRET' } }] },
      { name: 'buyers', emails: ['buying@retailer.example'] },
    ],
    routes: [
      { receiver: 'buyers', match: { kind: ['approval' as const] } },
      ...stores.map((s) => ({ receiver: `${s.id}-manager`, match: { location: [s.id] }, continue: true })),
      { receiver: 'web-team', match: { location: ['web'] }, continue: true },
      { receiver: 'buyers', match: { severity: ['critical' as const] } },
    ],
    // Ack links and the alerts API's token are the local hub's own (infra/local/runtime.ts), as for any config.
    // Console users to try the groups with (locally each gets a token from the hub: LocalHub.console.token(email)).
    console: {
      users: [
        { email: 'north@retailer.example', group: 'store', locations: ['store-north'] },
        { email: 'buyer@retailer.example', group: 'buyer', approvalLimit: 20_000 },
        { email: 'viewer@retailer.example', group: 'viewer' },
      ],
    },
  } as HubConfigInput;
}

/** The demo's config as the CLI reads it while the demo hub is stopped: the sources' addresses play no part there. */
export const DEMO_HUB_CONFIG: HubConfigInput = demoConfig({
  shopifyUrl: 'http://127.0.0.1', shopifyLocations: {}, odooUrl: 'http://127.0.0.1', odooLocations: {}, partnerUrl: 'http://127.0.0.1', apiUrl: 'http://127.0.0.1',
});
