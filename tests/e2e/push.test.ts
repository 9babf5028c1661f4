// The local hub's push path end to end: a signed sale posted to <hub>/push → group commit into DynamoDB Local → the
// table's stream → evaluation → alert lifecycle → bus → dispatch → an SMS line in outbox/.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalHub, type LocalHub } from '../../infra/local/runtime.js';
import { parseHubConfig } from '../../shared/config.js';
import { fingerprint } from '../../shared/alerts/model.js';

const SECRET = 'till-secret';
let hub: LocalHub;
let outbox: string;

beforeAll(async () => {
  process.env.E2E_TILL_SECRET = SECRET;
  outbox = mkdtempSync(path.join(tmpdir(), 'push-outbox-'));
  const config = parseHubConfig({
    name: 'push-e2e',
    locations: [{ id: 'store-1', kind: 'store' }],
    receivers: [{ name: 'store-1-manager', phones: ['+4930555000001'] }],
    // Told at once: no group_wait, and no group_interval holding back a change after the first message.
    alerting: { route: { groupWait: '0s', groupInterval: '0s', routes: [{ receiver: 'store-1-manager', match: { location: ['store-1'] } }] } },
    push: { sources: [{ name: 'till', secret: { env: 'E2E_TILL_SECRET' } }] },
  });
  hub = await startLocalHub({ config, outbox, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `push-e2e-${randomUUID().slice(0, 8)}` });
  await hub.services.store.putItems([{ sku: 'COFFEE', name: 'Coffee 500 g', unitCost: 4, unitPrice: 7.5 }]);
  await hub.services.store.upsertPositions('erp', [{ sku: 'COFFEE', locationId: 'store-1', onHand: 3 }], new Date(Date.now() - 60_000));
  await hub.settle();
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

function post(body: string, secret = SECRET): Promise<Response> {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return fetch(`${hub.apiUrl}/push/movements/till`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stocksentry-signature': `t=${t},v1=${v1}` } });
}

describe('pushing to the local hub', () => {
  it('turns a sale that empties the shelf into a STOCKOUT text message', async () => {
    const res = await post(JSON.stringify({ movements: [{ eventId: 'till-7-0042', type: 'sale', sku: 'COFFEE', locationId: 'store-1', qty: 3, at: new Date().toISOString() }] }));
    expect(res.status).toBe(202);
    await hub.push.idle();
    expect((await hub.services.store.getPosition('COFFEE', 'store-1'))?.onHand).toBe(0);
    expect((await hub.services.alertStore.getAlert(fingerprint('STOCKOUT', 'COFFEE', 'store-1')))?.state).toBe('open');
    const sms = path.join(hub.outboxDir, 'sms.txt');
    expect(existsSync(sms) && readFileSync(sms, 'utf8')).toContain('Coffee 500 g is out of stock');
  });

  it('answers routes it does not serve, and unsigned pushes, without touching the table', async () => {
    expect((await fetch(`${hub.apiUrl}/push/elsewhere/till`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await post(JSON.stringify({ movements: [{ eventId: 'x', type: 'receipt', sku: 'COFFEE', locationId: 'store-1', qty: 50, at: new Date().toISOString() }] }), 'wrong')).status).toBe(401);
    expect((await hub.services.store.getPosition('COFFEE', 'store-1'))?.onHand).toBe(0);
  });
});
