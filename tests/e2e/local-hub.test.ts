// The whole local pipeline on DynamoDB Local: demo sources → sync → stream → evaluation → alerts and requests →
// outbox, webhooks and the supplier desk → acknowledgements back → re-evaluation.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalHub, type LocalHub, type RunReport } from '../../infra/local/runtime.js';
import type { DemoCondition } from '../../infra/local/demo/retailer.js';
import { LAST_SYNC_CURSOR } from '../../functions/sync-connector.js';
import { fingerprint } from '../../shared/alerts/model.js';
import { smsSegments } from '../../shared/alerts/sms.js';

let hub: LocalHub;
let report: RunReport;
let outboxDir: string;

beforeAll(async () => {
  hub = await startLocalHub({ outbox: mkdtempSync(path.join(tmpdir(), 'outbox-')), dynamoEndpoint: inject('dynamoEndpoint'), demoSkus: 50, tableName: 'stocksentry-local-hub-e2e' });
  outboxDir = hub.outboxDir;
  report = await hub.runOnce();
}, 240_000);

afterAll(async () => {
  await hub?.stop();
});

const emails = () => readdirSync(outboxDir).filter((f) => f.endsWith('.eml')).map((f) => decodeQuotedPrintable(readFileSync(path.join(outboxDir, f), 'utf8')));
/** .eml bodies are quoted-printable: undo soft line breaks and =XX escapes. */
const decodeQuotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('a local run of the demo retailer', () => {
  it('syncs both sources and evaluates from the table\'s stream', () => {
    const shop = report.syncs.find((s) => s.connector === 'shop')!;
    const erp = report.syncs.find((s) => s.connector === 'erp')!;
    expect(shop.streams.find((s) => s.name === 'positions')).toMatchObject({ read: 200, written: 200, quarantined: 0 });
    expect(shop.streams.find((s) => s.name === 'sales')?.read).toBe(50 * 4 * 180);
    expect(erp.streams.find((s) => s.name === 'items')).toMatchObject({ read: 50, written: 50 });
    expect(report.streamRecords).toBeGreaterThanOrEqual(200);
  });

  it('alerts on exactly the positions built to be at risk, out of stock or overstocked, and on no healthy one', () => {
    const expected: Record<DemoCondition, string[]> = { 'at-risk': ['STOCKOUT_RISK'], 'out-of-stock': ['STOCKOUT'], overstocked: ['OVERSTOCK'], healthy: [] };
    const byPosition = new Map<string, string[]>();
    for (const a of report.openAlerts) byPosition.set(`${a.sku}@${a.locationId}`, [...(byPosition.get(`${a.sku}@${a.locationId}`) ?? []), a.type].sort());
    const conditions = hub.demo!.retailer.conditions;
    const mismatches = [...conditions].filter(([key, condition]) => JSON.stringify(byPosition.get(key) ?? []) !== JSON.stringify(expected[condition]));
    expect(mismatches.map(([key, c]) => `${key} (${c}): ${byPosition.get(key)?.join(',') ?? 'no alert'}`)).toEqual([]);
    expect([...conditions.values()].filter((c) => c !== 'healthy')).toHaveLength(report.openAlerts.length);
  });

  it('sends one grouped email per store, SMS to its manager and a signed webhook to the web team', () => {
    const north = emails().filter((e) => e.includes('To: store-north@retailer.example'));
    expect(north).toHaveLength(1);
    expect(north[0]).toContain('SKU-0017');
    expect(north[0]).toContain('SKU-0034');
    const sms = readFileSync(path.join(outboxDir, 'sms.txt'), 'utf8').trim().split('\n');
    expect(sms.some((line) => line.includes('+49305550000'))).toBe(true);
    expect(sms.every((line) => smsSegments(line.split('\t')[2]!).segments <= 2)).toBe(true);
    expect(hub.demo!.partner.alerts.length).toBeGreaterThan(0);
    expect(hub.demo!.partner.refused).toEqual([]);
  });

  it('orders from the suppliers, whose acknowledgements put the promised inbound on the position', async () => {
    const { orders } = hub.demo!.partner;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.ackStatus === 200)).toBe(true);
    const line = orders[0]!.order.lines[0]!;
    const position = await hub.services.store.getPosition(line.sku, orders[0]!.order.shipTo.locationId);
    const inbound = position?.inbound.find((l) => l.source === 'supplier-ack');
    expect(inbound).toMatchObject({ qty: Number(line.qty), supplierId: orders[0]!.supplierId });
    expect(inbound!.eta > orders[0]!.order.issueDate).toBe(true);
    expect(report.requests.every((r) => r.ackedAt)).toBe(true);
    // What each supplier received is kept in outbox/suppliers/, byte for byte the body that was POSTed.
    const kept = readdirSync(path.join(outboxDir, 'suppliers')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(outboxDir, 'suppliers', f), 'utf8')) as { poNumber: string });
    expect(kept.map((o) => o.poNumber).sort()).toEqual(orders.map((o) => o.order.poNumber).sort());
  });

  it('acknowledges from the one-click link, then stays quiet on re-evaluation', async () => {
    const north = emails().find((e) => e.includes('To: store-north@retailer.example'))!;
    // The most urgent alert, shown first, with its console page (which names it) and its acknowledge link.
    const first = north.slice(north.indexOf('\n1. '), north.indexOf('\n2. ') > 0 ? north.indexOf('\n2. ') : undefined);
    const fp = /\/console\/alerts\/([0-9a-f]{16})/.exec(first)?.[1];
    const link = new RegExp(`Acknowledge:\\s+(${hub.apiUrl}/a/[A-Za-z0-9_-]+)`).exec(first)?.[1];
    expect(fp).toBeDefined();
    expect(link).toBeDefined();
    const confirm = await fetch(link!);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Acknowledge this alert?');
    expect((await hub.services.alertStore.getAlert(fp!))?.state).not.toBe('acknowledged'); // a GET (mail scanner) changes nothing
    const acted = await fetch(link!, { method: 'POST' });
    expect(acted.status).toBe(200);
    expect((await hub.services.alertStore.getAlert(fp!))?.state).toBe('acknowledged');
    const before = emails().length;
    // The sweep re-evaluates everything and reports the stock health the dashboard charts.
    expect(await hub.sweep()).toMatch(/^200 positions evaluated, \d+ findings, [1-9]\d* at risk, [1-9]\d* out of stock, overstock [1-9]\d* tied up$/);
    await hub.settle();
    expect(emails().length).toBe(before);
  }, 120_000);

  it('resolves the alert when the store is restocked', async () => {
    const fp = fingerprint('STOCKOUT_RISK', 'SKU-0034', 'store-north');
    // Open, or acknowledged from the link above if it was the most urgent one: either way still active.
    expect(['open', 'acknowledged']).toContain((await hub.services.alertStore.getAlert(fp))?.state);
    const dataset = hub.demo!.shopData;
    // Back to a healthy level: three weeks of its recent sales (lead time 7 days + a week's review + margin).
    const recent = dataset.sales.filter((s) => s.sku === 'SKU-0034' && s.locationId === 'store-north').slice(-28);
    const meanDaily = recent.reduce((n, s) => n + s.qty, 0) / recent.length;
    dataset.positions = dataset.positions.map((p) => (p.sku === 'SKU-0034' && p.locationId === 'store-north' ? { ...p, onHand: Math.round(meanDaily * 21) } : p));
    hub.demo!.shopify.update(dataset);
    const lastSync = await hub.services.store.getCursor('shop', LAST_SYNC_CURSOR);
    await hub.syncConnector('shop');
    await hub.settle();
    // The sync lag metric is measured from when the previous sync finished.
    expect(Date.parse((await hub.services.store.getCursor('shop', LAST_SYNC_CURSOR))!)).toBeGreaterThan(Date.parse(lastSync!));
    expect((await hub.services.alertStore.getAlert(fp))?.state).toBe('resolved');
  });
});
