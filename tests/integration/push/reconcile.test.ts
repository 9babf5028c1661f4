// The periodic pull reconciles pushed changes: where the source disagrees with what was pushed, the pull wins and the
// drift is counted per source in its sync report; moves pushed after the pull read the source stay on top.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPush } from '../../../connectors/push/apply.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { applyDeps } from '../../../functions/push-apply.js';
import { connectorConfig } from '../../../shared/config.js';
import { sampleDataset, type Dataset } from '../../fakes/dataset.js';
import { shopifyLocationMap, startFakeShopify, type FakeShopify } from '../../fakes/shopify.js';
import { startPushHarness, type PushHarness } from '../../support/push.js';

let now = new Date('2026-05-01T10:00:00Z');
const clock = { now: () => now };
const dataset = sampleDataset();
let shop: FakeShopify;
let hub: PushHarness;

beforeAll(async () => {
  shop = await startFakeShopify(dataset);
  hub = await startPushHarness({ push: { sources: [{ name: 'pos', secret: { env: 'POS_SECRET' } }] } }, { clock, env: { POS_SECRET: 'x' } });
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await shop?.stop();
});

const config = () => connectorConfig.parse({ name: 'shop', type: 'shopify', endpoint: shop.url, credentials: { env: 'T' }, options: { locations: shopifyLocationMap(dataset), streams: ['positions'] } });
const pull = () => runSync({ config: config(), store: hub.services.store, clock, credentials: async () => 'shpat_test', full: true });
const sale = (eventId: string, sku: string, locationId: string, qty: number, at: string) =>
  ({ kind: 'movements', source: 'pos', receivedAt: now.toISOString(), movements: [{ eventId, type: 'sale', sku, locationId, qty, at }] });
const onHand = async (sku: string, locationId: string) => (await hub.services.store.getPosition(sku, locationId))?.onHand;
const changed = (d: Dataset, edits: Record<string, number>): Dataset =>
  ({ ...d, positions: d.positions.map((p) => (`${p.sku}@${p.locationId}` in edits ? { ...p, onHand: edits[`${p.sku}@${p.locationId}`]! } : p)) });

describe('a pull after pushes', () => {
  it('wins where the source disagrees, and counts the drift in the sync report', async () => {
    expect((await pull()).streams[0]!.drift).toBeUndefined();
    now = new Date('2026-05-01T10:10:00Z');
    await applyPush(applyDeps(hub.services), [
      sale('p-1', 'MILK-1L', 'store-north', 3, '2026-05-01T10:05:00Z'),
      sale('p-2', 'FLOUR-1KG', 'store-north', 2, '2026-05-01T10:06:00Z'),
    ]);
    expect(await onHand('MILK-1L', 'store-north')).toBe(15);
    expect(await onHand('FLOUR-1KG', 'store-north')).toBe(33);
    // The shop saw the milk sale, but never the flour one; the hammer changed with no push at all.
    shop.update(changed(dataset, { 'MILK-1L@store-north': 15, 'HAMMER@web': 6 }));
    now = new Date('2026-05-01T10:15:00Z');
    const report = await pull();
    expect(report.streams[0]!.drift).toEqual({ positions: 1, units: 2 });
    expect(await onHand('FLOUR-1KG', 'store-north')).toBe(35);
    expect(await onHand('MILK-1L', 'store-north')).toBe(15);
    expect(await onHand('HAMMER', 'web')).toBe(6);
  });

  it('keeps a move pushed after the pull read the source on top of what it read', async () => {
    now = new Date('2026-05-01T10:30:00Z');
    await applyPush(applyDeps(hub.services), [sale('p-3', 'MILK-1L', 'store-north', 1, '2026-05-01T10:25:00Z')]);
    // The pull reads at 10:20 (before the sale) but writes after it: the sale is not undone, and no drift is counted.
    now = new Date('2026-05-01T10:20:00Z');
    const report = await pull();
    expect(report.streams[0]!.drift).toBeUndefined();
    expect(await onHand('MILK-1L', 'store-north')).toBe(14);
  });
});
