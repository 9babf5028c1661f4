import { describe, expect, it } from 'vitest';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { restJson } from '../../../connectors/rest-json/index.js';
import { ConnectorOptionsError, runSync } from '../../../connectors/sdk/sync.js';
import { sampleDataset } from '../../fakes/dataset.js';
import { restJsonOptionsFor, startFakeRestJson } from '../../fakes/rest-json.js';
import { createTestTable } from '../../support/dynamo.js';
import { fixedClock } from './conformance.js';

describe('runSync', () => {
  it('runs a full reconcile every fullReconcileEvery syncs and marks what the source stopped reporting', async () => {
    const dataset = sampleDataset();
    const fake = await startFakeRestJson(dataset);
    try {
      const table = await createTestTable();
      const store = new DynamoInventoryStore(table.doc, table.tableName);
      const config = connectorConfig.parse({ name: 'erp-json', type: 'rest-json', endpoint: fake.url, credentials: { env: 'T' }, fullReconcileEvery: 3, options: { ...restJsonOptionsFor(), streams: ['positions'] } });
      const sync = () => runSync({ config, store, clock: fixedClock(), credentials: async () => 'test-token', connector: restJson });
      expect((await sync()).full).toBe(false);
      fake.update({ ...dataset, positions: dataset.positions.filter((p) => p.sku !== 'HAMMER') });
      const incremental = await sync();
      // Timestamp polling cannot see a deletion.
      expect({ full: incremental.full, vanished: incremental.vanished }).toEqual({ full: false, vanished: 0 });
      const reconcile = await sync();
      expect({ full: reconcile.full, vanished: reconcile.vanished }).toEqual({ full: true, vanished: 2 });
      expect((await store.getPosition('HAMMER', 'web'))?.vanishedAt).toBe('2026-05-01T12:00:00.000Z');
      expect((await store.getPosition('MILK-1L', 'store-north'))?.vanishedAt).toBeUndefined();
    } finally {
      await fake.stop();
    }
  });

  it('stops before reading with every wrong option named, and needs a resolver for configured credentials', async () => {
    const table = await createTestTable();
    const store = new DynamoInventoryStore(table.doc, table.tableName);
    const bad = connectorConfig.parse({ name: 'erp-json', type: 'rest-json', endpoint: 'http://127.0.0.1:1', options: { paths: { positions: { path: 'no-slash' } }, paging: { style: 'pages' } } });
    const error = await runSync({ config: bad, store, clock: fixedClock(), connector: restJson }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorOptionsError);
    expect((error as Error).message).toMatch(/options\.paths\.positions\.path/);
    expect((error as Error).message).toMatch(/options\.paging\.style/);
    const needsKey = connectorConfig.parse({ name: 'erp-json', type: 'rest-json', endpoint: 'http://127.0.0.1:1', credentials: { env: 'T' }, options: restJsonOptionsFor() });
    await expect(runSync({ config: needsKey, store, clock: fixedClock(), connector: restJson })).rejects.toThrow(/no credential resolver/);
  });

  it('resolves the connector from the registry by type', async () => {
    const table = await createTestTable();
    const store = new DynamoInventoryStore(table.doc, table.tableName);
    const config = connectorConfig.parse({ name: 'x', type: 'no-such-system', endpoint: 'http://127.0.0.1:1' });
    await expect(runSync({ config, store, clock: fixedClock() })).rejects.toThrow(/Unknown connector type "no-such-system". Known types: rest-json, csv/);
  });
});
