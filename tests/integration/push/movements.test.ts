// The stock-movement API end to end on DynamoDB Local: signed HTTP batches → the same diff + conditional writes → table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchAnswer } from '../../../shared/push/batch.js';
import { hubSignature, startPushHarness, type PushHarness } from '../../support/push.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const SECRET = 'wms-secret';
let hub: PushHarness;

beforeAll(async () => {
  hub = await startPushHarness({
    locations: [{ id: 'store-1', kind: 'store' }, { id: 'store-2', kind: 'store' }, { id: 'wh', kind: 'warehouse' }],
    push: { sources: [{ name: 'wms', secret: { env: 'WMS_SECRET' } }], maxBatch: 500 },
  }, { clock: { now: () => NOW }, env: { WMS_SECRET: SECRET } });
  await hub.services.store.upsertPositions('erp', [
    { sku: 'A', locationId: 'store-1', onHand: 50, observedAt: '2026-05-01T09:00:00Z' },
    { sku: 'B', locationId: 'store-1', onHand: 20, observedAt: '2026-05-01T09:00:00Z' },
  ], new Date('2026-05-01T09:00:00Z'));
}, 60_000);

afterAll(async () => {
  await hub?.stop();
});

const at = (hhmm: string) => `2026-05-01T${hhmm}:00Z`;
const send = (movements: unknown[], secret = SECRET) => {
  const body = JSON.stringify({ movements });
  return hub.post('/push/movements/wms', body, hubSignature(body, secret, NOW));
};
const onHand = async (sku: string, locationId: string) => (await hub.services.store.getPosition(sku, locationId))?.onHand;

describe('the stock-movement API', () => {
  it('refuses a wrong signature and an unknown source alike, and applies nothing', async () => {
    const movements = [{ eventId: 'x-1', type: 'sale', sku: 'A', locationId: 'store-1', qty: 5, at: at('10:00') }];
    const wrong = await send(movements, 'not-the-secret');
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).toContain('signature does not match');
    const body = JSON.stringify({ movements });
    expect((await hub.post('/push/movements/pos', body, hubSignature(body, SECRET, NOW))).status).toBe(401);
    expect(await onHand('A', 'store-1')).toBe(50);
  });

  it('applies the good records of a batch and reports each bad one with its field, keeping it in quarantine', async () => {
    const res = await send([
      { eventId: 'm-1', type: 'sale', sku: 'A', locationId: 'store-1', qty: 2, at: at('10:01') },
      { eventId: 'm-2', type: 'sale', sku: 'A', locationId: 'store-1', qty: -3, at: at('10:02') },
      { eventId: 'm-3', type: 'transfer', sku: 'A', locationId: 'store-1', qty: 4, at: at('10:03') },
      { eventId: 'm-4', type: 'receipt', sku: 'B', locationId: 'store-1', qty: 10, at: 'yesterday' },
      { eventId: 'm-5', type: 'receipt', sku: 'B', locationId: 'store-1', qty: 10, at: at('10:05') },
    ]);
    expect(res.status).toBe(202);
    // The answer is the documented one (events/push-api.openapi.json is generated from the same schema).
    expect(batchAnswer.parse(res.body).accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      { index: 1, id: 'm-2', errors: [{ path: 'movements[1].qty', message: 'a sale moves a positive quantity; use an adjustment for corrections' }] },
      { index: 2, id: 'm-3', errors: [{ path: 'movements[2].toLocationId', message: 'a transfer needs the location it goes to' }] },
      { index: 3, id: 'm-4', errors: [expect.objectContaining({ path: 'movements[3].at' })] },
    ]);
    expect(await onHand('A', 'store-1')).toBe(48);
    expect(await onHand('B', 'store-1')).toBe(30);
    const quarantined = await hub.services.store.listQuarantine('wms');
    expect(quarantined.map((q) => (q.raw as { eventId: string }).eventId).sort()).toEqual(['m-2', 'm-3', 'm-4']);
    expect(quarantined.find((q) => (q.raw as { eventId: string }).eventId === 'm-2')?.reason).toContain('movements[1].qty');
  });

  it('applies a replayed batch once', async () => {
    const batch = [{ eventId: 'r-1', type: 'issue', sku: 'B', locationId: 'store-1', qty: 3, at: at('10:10') }];
    expect((await send(batch)).status).toBe(202);
    expect((await send(batch)).status).toBe(202);
    expect(await onHand('B', 'store-1')).toBe(27);
  });

  it('keeps a sale at 10:05 when the count taken at 10:00 arrives after it', async () => {
    await send([{ eventId: 's-1005', type: 'sale', sku: 'C', locationId: 'store-2', qty: 2, at: at('10:05') }]);
    await send([{ eventId: 'c-1000', type: 'count', sku: 'C', locationId: 'store-2', qty: 40, at: at('10:00') }]);
    expect(await onHand('C', 'store-2')).toBe(38);
    // A count older than that one is overtaken.
    await send([{ eventId: 'c-0950', type: 'count', sku: 'C', locationId: 'store-2', qty: 99, at: at('09:50') }]);
    expect(await onHand('C', 'store-2')).toBe(38);
  });

  it('moves a transfer out of one location and into the other, and counts sales as the day\'s demand', async () => {
    await send([
      { eventId: 't-1', type: 'transfer', sku: 'D', locationId: 'wh', toLocationId: 'store-1', qty: 12, at: at('10:20') },
      { eventId: 'd-1', type: 'sale', sku: 'D', locationId: 'store-1', qty: 5, at: at('10:30') },
      { eventId: 'd-2', type: 'return', sku: 'D', locationId: 'store-1', qty: 1, at: at('10:40') },
    ]);
    expect(await onHand('D', 'wh')).toBe(-12);
    expect(await onHand('D', 'store-1')).toBe(8);
    const [month] = await hub.services.store.getDemand('D', 'store-1', '2026-05-01', '2026-05-01');
    expect(month?.daily[0]).toBe(4);
  });

  it('refuses a batch over the limit whole (413) instead of losing its tail', async () => {
    const movements = Array.from({ length: 501 }, (_, i) => ({ eventId: `big-${i}`, type: 'receipt', sku: 'E', locationId: 'store-1', qty: 1, at: at('11:00') }));
    const res = await send(movements);
    expect(res.status).toBe(413);
    expect(JSON.stringify(res.body)).toContain('at most 500');
    expect(await onHand('E', 'store-1')).toBeUndefined();
    const huge = JSON.stringify({ movements: [{ eventId: 'h', type: 'receipt', sku: 'E', locationId: 'store-1', qty: 1, at: at('11:00'), reason: 'x'.repeat(250_000) }] });
    expect((await hub.post('/push/movements/wms', huge, hubSignature(huge, SECRET, NOW))).status).toBe(413);
  });

  it('takes a burst of 10,000 movements in concurrent batches, each exactly once', async () => {
    const skus = Array.from({ length: 50 }, (_, i) => `BURST-${i}`);
    const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 500 }, (_, i) => {
      const n = b * 500 + i;
      return { eventId: `burst-${n}`, type: n % 5 === 0 ? 'receipt' : 'sale', sku: skus[n % skus.length]!, locationId: 'store-1', qty: n % 5 === 0 ? 4 : 1, at: new Date(Date.parse(at('08:00')) + n * 100).toISOString() };
    }));
    const answers = await Promise.all(batches.map((b) => send(b)));
    expect(answers.map((a) => a.status)).toEqual(batches.map(() => 202));
    // The last batch again: every movement a repeat.
    const before = hub.push.stats.changes.duplicate;
    expect((await send(batches.at(-1)!)).status).toBe(202);
    expect(hub.push.stats.changes.duplicate - before).toBe(500);
    const expected = new Map<string, number>();
    for (const m of batches.flat()) expected.set(m.sku, (expected.get(m.sku) ?? 0) + (m.type === 'receipt' ? m.qty : -m.qty));
    for (const sku of skus) expect(await onHand(sku, 'store-1')).toBe(expected.get(sku));
    // Fewer writes than requests: batches arriving during a write were applied together.
    expect(hub.push.stats.writes).toBeLessThan(hub.push.stats.requests);
  }, 120_000);
});
