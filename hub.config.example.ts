import { defineConfig } from './shared/config.js';

export default defineConfig({
  name: 'acme-stock',
  stage: 'prod',
  locations: [
    { id: 'wh-main', kind: 'warehouse' },
    { id: 'store-12', kind: 'store', parent: 'wh-main', group: 'region-west', timeZone: 'Europe/Berlin' },
  ],
  connectors: [
    { name: 'shop', type: 'shopify', schedule: 'rate(15 minutes)', endpoint: 'https://acme.myshopify.com',
      credentials: { secretName: 'stocksentry/shopify' } },
    { name: 'erp', type: 'odoo', schedule: 'rate(1 hour)', endpoint: 'https://erp.acme.example',
      credentials: { secretName: 'stocksentry/odoo' }, options: { db: 'acme' } },
  ],
  suppliers: [
    { id: 'sup-std', leadTimeDays: 7, endpoint: 'https://supplier.example/orders', format: 'json',
      secret: { secretName: 'stocksentry/sup-std' } },
  ],
  rules: { serviceLevel: 0.95, serviceLevelByAbc: { A: 0.98, C: 0.9 }, reviewPeriodDays: 7 },
  receivers: [
    { name: 'store-12', emails: ['store12@acme.example'], phones: ['+4915112345678'] },
    { name: 'buyers', emails: ['buying@acme.example'], webhooks: [{ url: 'https://hooks.acme.example/stock' }] },
  ],
  routes: [
    { receiver: 'store-12', match: { location: ['store-12'], severity: ['warning', 'critical'] } },
    { receiver: 'buyers', match: { type: ['LEAD_TIME_RISK', 'SUPPLY_GAP'] } },
  ],
});
