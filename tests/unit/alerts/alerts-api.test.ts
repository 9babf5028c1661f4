import { describe, expect, it } from 'vitest';
import { createAlertsApiHandler, type AlertsApiRequest } from '../../../functions/alerts-api.js';
import { createDispatchAlertsHandler } from '../../../functions/dispatch-alerts.js';
import { createEscalateAlertsHandler } from '../../../functions/escalate-alerts.js';
import { toBusEntry } from '../../../events/alerts.js';
import {
  actionLink, MemoryAlertStore, reconcilePosition, type AlertSecrets, type BusEntry, type EventPublisher,
} from '../../../shared/alerts/index.js';
import { FakeClock, finding, RecordingPublisher, settingsFor } from './fixtures.js';

const links = { baseUrl: 'https://hub.example.com', secret: 'link-key', ttlMs: 86_400_000 };

async function setup(auth: 'iam' | 'bearer' = 'iam') {
  const store = new MemoryAlertStore();
  const settings = settingsFor({
    api: auth === 'bearer' ? { auth: 'bearer', bearerToken: { env: 'ALERTS_API_TOKEN' } } : { auth: 'iam' },
    route: { receiver: 'store-team', groupWait: '0s' },
  });
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const published: BusEntry[] = [];
  const bus: EventPublisher = { putEvents: async (e) => { published.push(...e); } };
  const secrets: AlertSecrets = { links, linkSecrets: [links.secret], apiBearerToken: auth === 'bearer' ? 'tok-123' : undefined };
  const api = createAlertsApiHandler({ store, settings, secrets, clock, bus });
  const [raised] = await reconcilePosition({ sku: 'SKU-1', locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings });
  return { store, settings, clock, api, published, bus, secrets, fp: raised!.alert.fingerprint };
}

const request = (method: string, rawPath: string, extra: Partial<AlertsApiRequest> = {}, user = 'arn:aws:iam::1:user/ann'): AlertsApiRequest => ({
  rawPath, ...extra, requestContext: { http: { method }, authorizer: user ? { iam: { userArn: user } } : undefined },
});

describe('alerts API', () => {
  it('lists, shows, acknowledges and comments, announcing the acknowledgement on the bus', async () => {
    const { api, fp, published, clock } = await setup();
    const list = await api(request('GET', '/alerts', { queryStringParameters: { state: 'open' } }));
    expect(JSON.parse(list.body).alerts.map((a: { fingerprint: string }) => a.fingerprint)).toEqual([fp]);
    clock.advance(7 * 60_000);
    const ack = await api(request('POST', `/alerts/${fp}/ack`, { body: JSON.stringify({ note: 'on it' }) }));
    expect(ack.statusCode).toBe(200);
    expect(JSON.parse(ack.body).alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'arn:aws:iam::1:user/ann' });
    expect(published.map((e) => e.detailType)).toEqual(['AlertAcknowledged']);
    await api(request('POST', `/alerts/${fp}/comment`, { body: JSON.stringify({ note: 'transfer from dc-1 booked' }) }));
    const shown = JSON.parse((await api(request('GET', `/alerts/${fp}`))).body);
    expect(shown.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'acknowledged', 'commented']);
  });

  it('answers with the status a caller can act on', async () => {
    const { api, fp } = await setup();
    expect((await api(request('GET', '/alerts', {}, ''))).statusCode).toBe(401);
    expect((await api(request('POST', '/alerts/0000000000000000/ack'))).statusCode).toBe(404);
    const badSnooze = await api(request('POST', `/alerts/${fp}/snooze`, { body: '{}' }));
    expect([badSnooze.statusCode, JSON.parse(badSnooze.body).error]).toEqual([400, 'body: give "until" (ISO time) or "minutes"']);
    await api(request('POST', `/alerts/${fp}/resolve`));
    expect((await api(request('POST', `/alerts/${fp}/ack`))).statusCode).toBe(409);
  });

  it('accepts the bearer token locally and rejects a wrong one', async () => {
    const { api } = await setup('bearer');
    const get = (token: string) => api(request('GET', '/alerts', { headers: { authorization: `Bearer ${token}` } }, ''));
    expect((await get('tok-123')).statusCode).toBe(200);
    expect((await get('tok-124')).statusCode).toBe(401);
  });

  it('creates, lists and ends silences', async () => {
    const { api } = await setup();
    const created = await api(request('POST', '/silences', { body: JSON.stringify({ id: 'count', match: { location: ['store-north'] }, minutes: 90, comment: 'stock count' }) }));
    expect(created.statusCode).toBe(201);
    expect(JSON.parse(created.body).silence).toMatchObject({ endsAt: '2026-05-04T09:30:00.000Z', createdBy: 'arn:aws:iam::1:user/ann' });
    expect((await api(request('POST', '/silences', { body: JSON.stringify({ minutes: 5, comment: 'all' }) }))).statusCode).toBe(400);
    expect((await api(request('DELETE', '/silences/count'))).statusCode).toBe(200);
    expect(JSON.parse((await api(request('GET', '/silences'))).body).silences[0].endsAt).toBe('2026-05-04T08:00:00.000Z');
  });

  it('one-click links: GET only asks, POST acts, without IAM, and a forged link is refused', async () => {
    const { api, store, fp, clock } = await setup();
    const path = new URL(actionLink(links, fp, 'ack', clock.now())).pathname;
    const page = await api(request('GET', path, {}, ''));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    expect(page.body).toContain('Acknowledge this alert?');
    expect((await store.getAlert(fp))?.state).toBe('open');
    const done = await api(request('POST', path, {}, ''));
    expect(done.statusCode).toBe(200);
    expect((await store.getAlert(fp))).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'link:store-north' });
    const forged = new URL(actionLink({ ...links, secret: 'guess' }, fp, 'resolve', clock.now())).pathname;
    const refused = await api(request('POST', forged, {}, ''));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('text/html');
  });
});

describe('dispatch-alerts handler', () => {
  it('validates the bus event against the catalog and dispatches it', async () => {
    const { store, settings, secrets, bus, clock } = await setup();
    const publisher = new RecordingPublisher();
    const handler = createDispatchAlertsHandler(async () => ({ store, settings, secrets, publisher, bus, clock }));
    const [raised] = await reconcilePosition({ sku: 'SKU-2', locationId: 'store-north', findings: [finding('LOW_STOCK')], now: clock.now() }, { store, settings });
    const event = busEvent(raised!);
    const report = await handler(event);
    expect(report.sent).toBe(1);
    expect(publisher.sent[0]!.firing.map((a) => a.sku)).toEqual(['SKU-2']);
    await expect(handler({ ...event, detail: { ...event.detail, alert: { ...event.detail.alert, severity: 'urgent' } } })).rejects.toThrow(/alert\.severity/);
  });
});

describe('escalate-alerts handler', () => {
  it('puts due escalations on the bus and flushes due groups', async () => {
    const store = new MemoryAlertStore();
    const settings = settingsFor({
      route: { receiver: 'store-team', groupWait: '30s', escalation: 'p' },
      escalationPolicies: [{ name: 'p', ackDeadline: { critical: '10m' }, steps: [{ receivers: ['regional'] }] }],
    });
    const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
    const published: BusEntry[] = [];
    const publisher = new RecordingPublisher();
    const bus: EventPublisher = { putEvents: async (e) => { published.push(...e); } };
    const secrets: AlertSecrets = { linkSecrets: [] };
    const deps = { store, settings, secrets, publisher, bus, clock };
    await createDispatchAlertsHandler(async () => deps)(busEvent((await reconcilePosition({ sku: 'SKU-1', locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings }))[0]!));
    const tick = createEscalateAlertsHandler(async () => deps);
    clock.advance(60_000);
    expect(await tick()).toEqual({ escalated: 0, sent: 1, failed: 0 });
    clock.advance(9 * 60_000);
    expect(await tick()).toEqual({ escalated: 1, sent: 0, failed: 0 });
    expect(published.map((e) => [e.detailType, (e.detail as { step: number }).step])).toEqual([['AlertEscalated', 1]]);
  });
});

function busEvent(event: Parameters<typeof toBusEntry>[0]) {
  const entry = toBusEntry(event);
  return { version: '0', id: '1', 'detail-type': entry.detailType, source: entry.source, account: '1', time: event.at, region: 'eu-west-1', resources: [], detail: JSON.parse(JSON.stringify(entry.detail)) };
}
