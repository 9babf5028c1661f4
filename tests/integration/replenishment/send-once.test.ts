import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendReplenishment, type SendDeps } from '../../../functions/send-replenishment.js';
import { DynamoRequestStore } from '../../../shared/adapters/dynamodb/request-store.js';
import { replenishmentConfig, type ReplenishmentSupplier } from '../../../shared/replenishment/config.js';
import { newRequest, toRequestedDetail } from '../../../shared/replenishment/request.js';
import { json, startServer, type FakeServer } from '../../fakes/server.js';
import { createTestTable } from '../../support/dynamo.js';

const NOW = new Date('2026-05-04T08:00:00Z');
const KEY = 'sup-std|store-1|2026-05-04';
const config = replenishmentConfig.parse({ approval: { autoApproveBelow: 100_000 } });

let supplier: FakeServer;
/** What the supplier answers next; it answers slowly, so concurrent senders overlap. */
let answer = 200;
const received: string[] = [];

beforeAll(async () => {
  supplier = await startServer(async (req) => {
    received.push(req.headers['idempotency-key'] as string);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return json({ ok: answer < 300 }, answer);
  });
});
afterAll(() => supplier.stop());

let deps: SendDeps;
beforeEach(async () => {
  received.length = 0;
  answer = 200;
  const table = await createTestTable();
  const suppliers = new Map<string, ReplenishmentSupplier>([['sup-std', { id: 'sup-std', leadTimeDays: 5, format: 'json', endpoint: `${supplier.url}/orders` }]]);
  deps = { requests: new DynamoRequestStore(table.doc, table.tableName), clock: { now: () => NOW }, config, suppliers, transports: {}, secretFor: async () => 'whsec', retry: { attempts: 1, baseDelayMs: 1 } };
  await deps.requests.create(newRequest({ idempotencyKey: KEY, supplierId: 'sup-std', locationId: 'store-1', orderDay: '2026-05-04', lines: [{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }] },
    { currency: 'EUR', approval: config.approval, at: NOW }));
});

describe('sending a replenishment request', () => {
  it('sends a revision exactly once when several events for it are handled at the same time', async () => {
    const detail = toRequestedDetail((await deps.requests.get(KEY))!, NOW);
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => sendReplenishment(deps, detail)));
    expect(received).toEqual([`${KEY}#1`]);
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(3);
    expect(await deps.requests.get(KEY)).toMatchObject({ state: 'sent', sentRevision: 1 });
    expect((await deps.requests.get(KEY))?.sendClaim).toBeUndefined();
  });

  it('gives the claim back when delivery fails, so the retried event sends', async () => {
    const detail = toRequestedDetail((await deps.requests.get(KEY))!, NOW);
    answer = 422;
    await expect(sendReplenishment(deps, detail)).rejects.toThrow(/422/);
    expect(await deps.requests.get(KEY)).toMatchObject({ state: 'approved' });
    answer = 200;
    expect(await sendReplenishment(deps, detail)).toMatchObject({ status: 'sent', revision: 1 });
    expect(received).toEqual([`${KEY}#1`, `${KEY}#1`]);
  });
});
