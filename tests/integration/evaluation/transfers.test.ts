// Named transfers on DynamoDB Local: a store about to run out learns which other store holds the excess of that SKU
// and how much to move, and the overstocked store learns where to send it; the message then names both. What the other
// stores need and can spare comes from the SKU's transfer board, which each evaluation keeps up to date.
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoEvaluationStore } from '../../../shared/adapters/dynamodb/evaluation-store.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import { describeAlert, MemoryAlertStore, reconcilePosition } from '../../../shared/alerts/index.js';
import { parseHubConfig } from '../../../shared/config.js';
import { evaluatePositions } from '../../../shared/evaluation/pipeline.js';
import { addDays } from '../../../shared/time.js';
import { createTestTable } from '../../support/dynamo.js';
import { instrument, type CallStats } from '../../support/dynamo-calls.js';
import { settingsFor } from '../../unit/alerts/fixtures.js';

const NOW = new Date('2026-05-04T06:00:00Z');
const config = parseHubConfig({
  locations: [
    { id: 'store-north', name: 'North Street store', kind: 'store' },
    { id: 'store-south', name: 'South Mall store', kind: 'store' },
    { id: 'store-east', name: 'East Station store', kind: 'store' },
  ],
  suppliers: [{ id: 'sup-slow', name: 'Overseas Imports', leadTimeDays: 21 }],
});
let store: DynamoInventoryStore;
let evaluationStore: DynamoEvaluationStore;
let stats: CallStats;
const stores = ['store-north', 'store-south', 'store-east'];

beforeAll(async () => {
  const table = await createTestTable();
  store = new DynamoInventoryStore(table.doc, table.tableName);
  evaluationStore = new DynamoEvaluationStore(table.doc, table.tableName, store);
  stats = instrument(table.doc);
  await store.putItems([{ sku: 'SKU-0107', name: 'Espresso beans 1 kg', unitCost: 19.12, unitPrice: 29.9, supplierId: 'sup-slow' }]);
  await store.putSuppliers([{ id: 'sup-slow', leadTimeDays: 21 }]);
  // The same SKU at three stores: north nearly out (21 days from an order), south with 950 it cannot sell soon, east fine.
  await store.upsertPositions('shop', [
    { sku: 'SKU-0107', locationId: 'store-north', onHand: 12 },
    { sku: 'SKU-0107', locationId: 'store-south', onHand: 950 },
    { sku: 'SKU-0107', locationId: 'store-east', onHand: 230 },
  ], NOW);
  const day = (i: number) => addDays('2026-05-04', -i);
  await store.recordSales(['store-north', 'store-south', 'store-east'].flatMap((locationId) =>
    Array.from({ length: 90 }, (_, i) => ({ sku: 'SKU-0107', locationId, day: day(i), qty: 6 + (i % 2) * 2 }))));
  // The daily sweep evaluates every store once, which puts each one's standing on the SKU's board.
  await evaluatePositions(stores.map((locationId) => ({ sku: 'SKU-0107', locationId })), ports());
});

const ports = () => ({ store: evaluationStore, config, clock: { now: () => NOW } });

describe('named transfers', () => {
  it('tell the short store where the stock is and how much, and the overstocked store where to send it', async () => {
    stats.reset();
    const short = await evaluatePositions([{ sku: 'SKU-0107', locationId: 'store-north' }], ports());
    // North alone: its own partition, the item, the supplier and the board; the other stores are not read.
    expect(stats.byOperation.BatchGetItem).toBeLessThanOrEqual(4);
    const risk = short.evaluated[0]!.decision.alerts.find((a) => a.type === 'STOCKOUT_RISK' || a.type === 'STOCKOUT');
    expect(risk).toBeDefined();
    const from = Object.entries(risk!.facts ?? {}).filter(([k]) => k.startsWith('transferFrom:'));
    expect(from.map(([k]) => k)).toEqual(['transferFrom:store-south']);
    expect(from[0]![1]).toBeGreaterThan(100);

    const excess = await evaluatePositions([{ sku: 'SKU-0107', locationId: 'store-south' }], ports());
    const over = excess.evaluated[0]!.decision.alerts.find((a) => a.type === 'OVERSTOCK');
    expect(over?.facts).toMatchObject({ 'transferTo:store-north': from[0]![1] });

    // The message names the store and the quantity, before any buying.
    const [event] = await reconcilePosition({ sku: 'SKU-0107', locationId: 'store-north', findings: [risk!], now: NOW }, { store: new MemoryAlertStore(), settings: settingsFor() });
    const view = describeAlert(event!.alert, {
      ...settingsFor({}, { locations: config.locations, suppliers: config.suppliers }).messages, locale: 'en', now: NOW, items: new Map([['SKU-0107', { name: 'Espresso beans 1 kg' }]]),
    });
    expect(view.suggestions[0]).toBe(`Move ${from[0]![1]} units from South Mall store, which has more than it needs.`);
    expect(view.suggestions.join(' ')).not.toMatch(/expedite|bring forward/i);
  });

  it('leave findings alone when no other location has stock to spare', async () => {
    await store.upsertPositions('shop', [{ sku: 'SKU-0107', locationId: 'store-south', onHand: 20 }, { sku: 'SKU-0107', locationId: 'store-east', onHand: 120 }], NOW);
    // The stream evaluates the two changed stores, which updates their standings on the board.
    await evaluatePositions([{ sku: 'SKU-0107', locationId: 'store-south' }, { sku: 'SKU-0107', locationId: 'store-east' }], ports());
    const board = (await evaluationStore.getTransferBoards(['SKU-0107'])).get('SKU-0107')!;
    expect(board.get('store-south')?.spare ?? 0).toBe(0);
    expect(board.get('store-north')?.need).toBeGreaterThan(0);
    const short = await evaluatePositions([{ sku: 'SKU-0107', locationId: 'store-north' }], ports());
    for (const finding of short.evaluated[0]!.decision.alerts) expect(Object.keys(finding.facts ?? {}).filter((k) => k.startsWith('transfer'))).toEqual([]);
  });
});
