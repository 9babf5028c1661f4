// push-apply on DynamoDB Local: a batch that fails as a whole is applied message by message, and only the message that
// cannot be applied yet (its platform is unreachable) is reported for retry; a body that is not an envelope is quarantined.
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { envCredentials } from '../../../connectors/sdk/credentials.js';
import { applyDeps, createPushApplyHandler } from '../../../functions/push-apply.js';
import { hubServices, type HubServices } from '../../../functions/services.js';
import { LocalEventBus } from '../../../infra/local/bus.js';
import { parseHubConfig } from '../../../shared/config.js';
import { createTestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-05-01T12:00:00Z');
let services: HubServices;

beforeAll(async () => {
  const table = await createTestTable();
  services = hubServices({
    config: parseHubConfig({
      connectors: [{ name: 'shop', type: 'shopify', endpoint: 'http://127.0.0.1:9', credentials: { env: 'SHOP_TOKEN' } }],
      push: { sources: [{ name: 'wms', secret: { env: 'WMS' } }], webhooks: [{ connector: 'shop', secret: { env: 'SHOP_SECRET' } }] },
    }),
    doc: table.doc, tableName: table.tableName, bus: new LocalEventBus(async () => undefined), clock: { now: () => NOW },
    credentials: envCredentials({ SHOP_TOKEN: 't', SHOP_SECRET: 's', WMS: 'w' }),
  });
});

const record = (messageId: string, body: string) => ({ messageId, body, attributes: { SentTimestamp: String(NOW.getTime() - 2000) } });

describe('push-apply', () => {
  it('retries only the message that cannot be applied yet', async () => {
    const handler = createPushApplyHandler(async () => ({ ...applyDeps(services), http: { maxRetries: 0 } }));
    const event = { Records: [
      record('ok', JSON.stringify({ kind: 'movements', source: 'wms', receivedAt: NOW.toISOString(), movements: [{ eventId: 'r1', type: 'receipt', sku: 'A', locationId: 'wh', qty: 5, at: '2026-05-01T11:00:00Z' }] })),
      record('garbled', 'not an envelope'),
      record('shop-down', JSON.stringify({ kind: 'webhook', connector: 'shop', topic: 'inventory_levels/update', deliveryId: 'e1', receivedAt: NOW.toISOString(), payload: { inventory_item_id: 1, location_id: 2, available: 3, updated_at: '2026-05-01T11:00:00Z' } })),
    ] } as unknown as SQSEvent;
    const result = await handler(event);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'shop-down' }]);
    expect((await services.store.getPosition('A', 'wh'))?.onHand).toBe(5);
    expect((await services.store.listQuarantine('push')).map((q) => q.raw)).toEqual(['not an envelope']);
    // The retry of the whole batch would change nothing already applied.
    await handler({ Records: [event.Records[0]!] } as SQSEvent);
    expect((await services.store.getPosition('A', 'wh'))?.onHand).toBe(5);
  });
});
