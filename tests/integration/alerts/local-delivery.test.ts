import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDeliveryPublisher } from '../../../infra/local/delivery.js';
import { receiver as receiverSchema } from '../../../shared/config.js';
import { buildNotification, smsSegments, type Alert } from '../../../shared/alerts/index.js';

const alert = (sku: string, extra: Partial<Alert> = {}): Alert => ({
  fingerprint: '0123456789abcdef', alertId: `id-${sku}`, type: 'STOCKOUT_RISK', severity: 'warning', state: 'open', sku,
  locationId: 'store-north', labels: { type: 'STOCKOUT_RISK', severity: 'warning', sku, location: 'store-north' },
  message: '42 on hand covers 5.1 days; next inbound 2026-05-12; short 18 units', projectedStockout: '2026-05-09',
  facts: { stockoutProbability: 0.55, available: 42, daysOfCover: 5.1, nextInbound: '2026-05-12', nextInboundQty: 60, orderArrives: '2026-05-11', expectedShortUnits: 18 }, openedAt: '2026-05-04T08:00:00.000Z', updatedAt: '2026-05-04T08:00:00.000Z',
  escalationStep: 0, reopenCount: 0, version: 1, ...extra,
});

let server: Server;
let baseUrl: string;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/broken' || failuresLeft-- > 0) { res.writeHead(503).end('down'); return; }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const SECRET = 'whsec-test-123';
const now = new Date('2026-05-04T08:00:30.000Z');

function notify(hookPath: string) {
  const receiver = receiverSchema.parse({
    name: 'store-team', emails: ['north@example.com', 'lead@example.com'], phones: ['+14155550100'],
    webhooks: [{ url: `${baseUrl}${hookPath}`, secret: { env: 'ALERT_HOOK_SECRET' } }],
  });
  return buildNotification({
    id: `n-${hookPath.slice(1)}`, kind: 'firing', receiver, groupKey: 'root/store-team/{location=store-north}', groupLabels: { location: 'store-north' },
    firing: [alert('SKU-1'), alert('SKU-2', { fingerprint: 'fedcba9876543210', severity: 'critical' })], resolved: [], now,
    links: { baseUrl: 'https://hub.example.com', secret: 'link-secret', ttlMs: 86_400_000 },
  });
}

describe('LocalDeliveryPublisher', () => {
  it('writes a readable .eml, an SMS line, and POSTs a signed webhook (retrying a 503)', async () => {
    const outboxDir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
    const publisher = new LocalDeliveryPublisher({ outboxDir, baseDelayMs: 5, resolveSecret: () => SECRET, clock: { now: () => new Date() } });
    failuresLeft = 1;
    await publisher.publish(notify('/hook'));

    const eml = (await readdir(outboxDir)).filter((f) => f.endsWith('.eml'));
    expect(eml).toHaveLength(1);
    const raw = await readFile(path.join(outboxDir, eml[0]!), 'utf8');
    // The body is quoted-printable (it holds € and no-break spaces): decode it as a mail client does.
    const mail = raw.replace(/=\r\n/g, '').replace(/(=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8')).replace(/\r\n/g, '\n');
    expect(raw).toMatch(/^Content-Transfer-Encoding: quoted-printable/m);
    expect(mail).toMatch(/^Subject: \[StockSentry\] store-north: SKU-2 may run out and 1 more alert$/m);
    expect(mail).toMatch(/^To: north@example.com, lead@example.com/m);
    expect(mail).toMatch(/^X-StockSentry-Notification: n-hook$/im);
    expect(mail).toContain('1. [Critical] Stockout risk: SKU-2');
    expect(mail).toContain('   55% chance of running out before new stock arrives. 42 units available');
    expect(mail).not.toMatch(/daysOfCover|onHand/);
    expect(mail).toContain('Acknowledge: https://hub.example.com/a/');

    const sms = await readFile(path.join(outboxDir, 'sms.txt'), 'utf8');
    const [at, phone, text] = sms.trim().split('\t');
    expect([at, phone]).toEqual([now.toISOString(), '+14155550100']);
    expect(smsSegments(text!).segments).toBeLessThanOrEqual(2);
    expect(text).toMatch(/^StockSentry store-north: 2 alerts, 1 critical\. Worst: SKU-2 may run out\.$/);

    const hooks = received.filter((r) => r.path === '/hook');
    expect(hooks).toHaveLength(2);
    const last = hooks[1]!;
    const [t, v1] = String(last.headers['stocksentry-signature']).split(',').map((p) => p.split('=')[1]);
    const expected = createHmac('sha256', SECRET).update(`${t}.${last.body}`).digest('hex');
    expect(v1).toBe(expected);
    expect(JSON.parse(last.body)).toMatchObject({ id: 'n-hook', kind: 'firing', receiver: 'store-team', firing: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }] });
  });

  it('dead-letters a webhook that keeps failing, with every attempt recorded', async () => {
    const outboxDir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
    const publisher = new LocalDeliveryPublisher({ outboxDir, attempts: 3, baseDelayMs: 5, resolveSecret: () => SECRET });
    await publisher.publish(notify('/broken'));
    const files = await readdir(path.join(outboxDir, 'dead-letter'));
    expect(files).toEqual(['n-broken-store-team-0.json']);
    const letter = JSON.parse(await readFile(path.join(outboxDir, 'dead-letter', files[0]!), 'utf8')) as { failures: string[]; body: { id: string } };
    expect(letter.failures).toEqual(['attempt 1: HTTP 503', 'attempt 2: HTTP 503', 'attempt 3: HTTP 503']);
    expect(letter.body.id).toBe('n-broken');
  });

  it('dead-letters instead of sending unsigned when the webhook secret is not set', async () => {
    const outboxDir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
    const before = received.length;
    await new LocalDeliveryPublisher({ outboxDir, resolveSecret: () => undefined }).publish(notify('/unset'));
    expect(received.length).toBe(before);
    expect(await readdir(path.join(outboxDir, 'dead-letter'))).toEqual(['n-unset-store-team-0.json']);
  });
});
