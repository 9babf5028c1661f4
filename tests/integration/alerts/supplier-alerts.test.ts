import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertStore } from '../../../shared/adapters/dynamodb/alert-store.js';
import { reconcileSupplier, supplierFingerprint } from '../../../shared/alerts/index.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { finding, MIN, settingsFor } from '../../unit/alerts/fixtures.js';

let table: TestTable;
let store: DynamoAlertStore;
const settings = settingsFor({ flapWindow: '10m', route: { receiver: 'buyers' } });

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoAlertStore(table.doc, table.tableName);
});

describe('supplier alerts on DynamoDB', () => {
  it('opens exactly one alert when evaluators at different locations race on the same supplier and rule', async () => {
    const now = new Date('2026-05-04T08:00:00Z');
    const gap = finding('SUPPLY_GAP', 'critical', { message: 'Supplier race-co rejected the order; no backup supplier' });
    const run = (locationId: string) => reconcileSupplier({ supplierId: 'race-co', locationId, findings: [gap], types: ['SUPPLY_GAP'], now }, { store, settings });
    const events = (await Promise.all([run('store-north'), run('store-south'), run('store-north')])).flat();
    const fp = supplierFingerprint('SUPPLY_GAP', 'race-co');
    // The losers re-read and at most relabel the location; only the winner raises.
    expect(events.map((e) => e.type)).toEqual(['AlertRaised']);
    const history = (await store.history(fp)).map((h) => h.action);
    expect(history[0]).toBe('opened');
    expect(history.filter((a) => a === 'opened')).toHaveLength(1);
    expect(await store.listAlerts({ states: ['open'] })).toEqual([expect.objectContaining({ fingerprint: fp, supplierId: 'race-co', sku: '' })]);
  });

  it('stores a supplier alert without a location and resolves it when the supplier is clear', async () => {
    const now = new Date('2026-05-04T09:00:00Z');
    const late = finding('LEAD_TIME_RISK', 'warning', { message: 'Supplier slow-co delivers 3 days late on average', facts: { lateDays: 3 } });
    const [raised] = await reconcileSupplier({ supplierId: 'slow-co', findings: [late], now }, { store, settings });
    const stored = await store.getAlert(raised!.alert.fingerprint);
    expect(stored).toMatchObject({ supplierId: 'slow-co', locationId: '', labels: { type: 'LEAD_TIME_RISK', severity: 'warning', supplier: 'slow-co' } });
    expect(stored?.labels).not.toHaveProperty('location');
    const [resolved] = await reconcileSupplier({ supplierId: 'slow-co', findings: [], now: new Date(now.getTime() + MIN) }, { store, settings });
    expect(resolved).toMatchObject({ type: 'AlertResolved', reason: 'cleared' });
    expect((await store.getAlert(raised!.alert.fingerprint))?.state).toBe('resolved');
  });
});
