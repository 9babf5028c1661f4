// Correlation ids: a sync's id rides on the positions it changes, out of the stream image and into evaluation's logs.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { changedPosition, describeEvent } from '../../functions/evaluate-changes.js';
import { stampedWith } from '../../functions/sync-connector.js';
import { mergePosition } from '../../shared/adapters/dynamodb/inventory-store.js';
import type { Position } from '../../shared/model.js';
import type { InventoryStore } from '../../shared/ports.js';

const at = new Date('2026-11-01T10:00:00Z');
const stored: Position = { sku: 'SKU-1', locationId: 'store-north', onHand: 5, reserved: 0, inbound: [], openOrders: [], sources: ['shop'], version: 3, updatedAt: '2026-10-31T10:00:00.000Z', lastSyncId: 'sync-shop-old' };

describe('lastSyncId on positions', () => {
  it('is set from the record that changes the position', () => {
    expect(mergePosition(stored, 'shop', { sku: 'SKU-1', locationId: 'store-north', onHand: 4, correlationId: 'sync-shop-new' }, at))
      .toMatchObject({ onHand: 4, version: 4, lastSyncId: 'sync-shop-new' });
    expect(mergePosition(undefined, 'shop', { sku: 'SKU-1', locationId: 'store-north', onHand: 4, correlationId: 'sync-shop-new' }, at)?.lastSyncId).toBe('sync-shop-new');
  });

  it('is not a change by itself: same quantities under a new sync id write nothing', () => {
    expect(mergePosition(stored, 'shop', { sku: 'SKU-1', locationId: 'store-north', onHand: 5, correlationId: 'sync-shop-new' }, at)).toBeUndefined();
  });

  it('is dropped when a writer without an id changes the position, so it never names the wrong run', () => {
    expect(mergePosition(stored, 'supplier-ack', { sku: 'SKU-1', locationId: 'store-north', onHand: 9 }, at)).not.toHaveProperty('lastSyncId');
  });
});

describe('the sync store', () => {
  it('stamps every position record with the run id and passes everything else through to the store', async () => {
    const upsertPositions = vi.fn(async () => ({ written: 1, unchanged: 0, conflicts: 0 }));
    const getPosition = vi.fn(async function (this: unknown) { return this === store ? stored : undefined; });
    const store = { upsertPositions, getPosition } as unknown as InventoryStore;
    const stamped = stampedWith(store, 'sync-shop-1');
    await stamped.upsertPositions('shop', [{ sku: 'SKU-1', locationId: 'store-north', onHand: 1 }], at);
    expect(upsertPositions).toHaveBeenCalledWith('shop', [{ sku: 'SKU-1', locationId: 'store-north', onHand: 1, correlationId: 'sync-shop-1' }], at);
    // Other methods keep their own `this`, as class methods of the DynamoDB store need.
    expect(await stamped.getPosition('SKU-1', 'store-north')).toBe(stored);
  });
});

describe('stream records', () => {
  const record = (oldImage: object | undefined, newImage: object): DynamoDBRecord => ({
    dynamodb: { OldImage: oldImage && marshall(oldImage) as never, NewImage: marshall(newImage, { removeUndefinedValues: true }) as never },
  });

  it('carry the sync id of a quantity change into evaluation', () => {
    const next = { ...stored, entity: 'position', onHand: 2, lastSyncId: 'sync-shop-new' };
    expect(changedPosition(record({ ...stored, entity: 'position' }, next))).toEqual({ sku: 'SKU-1', locationId: 'store-north', correlationId: 'sync-shop-new', position: { ...stored, onHand: 2, lastSyncId: 'sync-shop-new' } });
    expect(changedPosition(record(undefined, { ...next, lastSyncId: undefined }))).toEqual({ sku: 'SKU-1', locationId: 'store-north', position: { ...stored, onHand: 2, lastSyncId: undefined } });
    expect(changedPosition(record({ ...stored, entity: 'position' }, { ...stored, entity: 'position' }))).toBeUndefined();
  });

  it('name the events they led to by type and reference', () => {
    expect(describeEvent({ source: 'stocksentry.alerts', detailType: 'AlertRaised', detail: { id: 'e1', alert: { fingerprint: 'abc123' } } })).toBe('AlertRaised abc123');
    expect(describeEvent({ source: 'stocksentry.replenishment', detailType: 'ReplenishmentApprovalRequested', detail: { idempotencyKey: 'req-7' } })).toBe('ReplenishmentApprovalRequested req-7');
    expect(describeEvent({ source: 'stocksentry.replenishment', detailType: 'ReplenishmentRequested', detail: { lines: [] } })).toBe('ReplenishmentRequested');
  });
});
