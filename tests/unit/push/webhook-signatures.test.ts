import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopifyWebhooks } from '../../../connectors/shopify/webhooks.js';
import { wooWebhooks } from '../../../connectors/woocommerce/webhooks.js';

const request = (body: string, headers: Record<string, string>) => ({ body, header: (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] });
const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

describe('webhook signatures', () => {
  const body = JSON.stringify({ inventory_item_id: 1, location_id: 2, available: 3, updated_at: '2026-05-01T10:00:00Z' });

  it('accepts Shopify\'s base64 HMAC of the raw body, and reads the event id before the webhook id', () => {
    const receipt = shopifyWebhooks.receive(request(body, { 'X-Shopify-Hmac-Sha256': sign(body, 'app-secret'), 'X-Shopify-Topic': 'inventory_levels/update', 'X-Shopify-Event-Id': 'evt-1', 'X-Shopify-Webhook-Id': 'wh-1' }), 'app-secret');
    expect(receipt).toEqual({ kind: 'delivery', topic: 'inventory_levels/update', deliveryId: 'evt-1', payload: JSON.parse(body) });
  });

  it('refuses another secret, a changed body, a truncated signature and a missing topic', () => {
    const headers = { 'X-Shopify-Hmac-Sha256': sign(body, 'app-secret'), 'X-Shopify-Topic': 'inventory_levels/update' };
    expect(shopifyWebhooks.receive(request(body, headers), 'other-secret').kind).toBe('refused');
    expect(shopifyWebhooks.receive(request(body.replace('"available":3', '"available":300'), headers), 'app-secret').kind).toBe('refused');
    expect(shopifyWebhooks.receive(request(body, { ...headers, 'X-Shopify-Hmac-Sha256': headers['X-Shopify-Hmac-Sha256'].slice(0, 20) }), 'app-secret').kind).toBe('refused');
    expect(shopifyWebhooks.receive(request(body, { 'X-Shopify-Hmac-Sha256': headers['X-Shopify-Hmac-Sha256'] }), 'app-secret')).toEqual({ kind: 'refused', reason: 'no X-Shopify-Topic header' });
  });

  it('answers WooCommerce\'s unsigned creation ping, and checks X-WC-Webhook-Signature on deliveries', () => {
    expect(wooWebhooks.receive(request('webhook_id=42', { 'content-type': 'application/x-www-form-urlencoded' }), 'hook-secret')).toEqual({ kind: 'ping' });
    const order = JSON.stringify({ id: 7, status: 'processing' });
    expect(wooWebhooks.receive(request(order, { 'X-WC-Webhook-Signature': sign(order, 'hook-secret'), 'X-WC-Webhook-Topic': 'order.created', 'X-WC-Webhook-Delivery-ID': 'd-1' }), 'hook-secret'))
      .toMatchObject({ kind: 'delivery', topic: 'order.created', deliveryId: 'd-1' });
    expect(wooWebhooks.receive(request(order, { 'X-WC-Webhook-Topic': 'order.created' }), 'hook-secret').kind).toBe('refused');
  });
});
