import { describe, expect, it } from 'vitest';
import { connectorWebhooks } from '../../../cli/commands/webhooks.js';
import { parseHubConfig } from '../../../shared/config.js';

const credentials = async () => 'x';
const config = parseHubConfig({
  connectors: [
    { name: 'shop', type: 'shopify', endpoint: 'https://shop.example.com' },
    { name: 'erp', type: 'odoo', endpoint: 'https://erp.example.com' },
  ],
});

describe('stocksentry connector webhooks', () => {
  it('says what to fix before it talks to the shop', async () => {
    await expect(connectorWebhooks('list', { config, connector: 'nope', credentials })).rejects.toThrow('No connector named "nope" in hub.config (known: shop, erp).');
    await expect(connectorWebhooks('list', { config, connector: 'erp', credentials })).rejects.toThrow('is odoo; webhooks come from shopify and woocommerce connectors');
    await expect(connectorWebhooks('register', { config, connector: 'shop', credentials, pushUrl: 'https://push.example.com/push' }))
      .rejects.toThrow("Add { connector: 'shop', secret: … } to push.webhooks in hub.config first");
  });

  it('refuses a push section whose webhook names a connector that cannot send webhooks, with the field path', () => {
    expect(() => parseHubConfig({ connectors: config.connectors, push: { webhooks: [{ connector: 'erp', secret: { env: 'S' } }] } }))
      .toThrow('push.webhooks[0].connector: connector "erp" is odoo; webhooks are received from shopify and woocommerce');
  });

  it('names a misspelt key in the push section instead of ignoring it', () => {
    expect(() => parseHubConfig({ push: { sensors: [{ id: 'fridge-1', locationId: 'l', unitWieght: 1 }] } }))
      .toThrow('push.sensors[0].unitWieght: unknown key; did you mean "unitWeight"?');
  });
});
