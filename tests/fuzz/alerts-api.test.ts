// Edge: the alerts API and one-click ack links. Bad input → 4xx with a reason (JSON or a page), never 5xx; a refused
// request changes no alert.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAlertsApiHandler, type AlertsApiRequest } from '../../functions/alerts-api.js';
import { createAckToken, MemoryAlertStore, reconcilePosition } from '../../shared/alerts/index.js';
import { FakeClock, finding, settingsFor } from '../unit/alerts/fixtures.js';
import { fuzzParams, hostileValue, tally } from './support.js';

async function setup() {
  const store = new MemoryAlertStore();
  const settings = settingsFor({ api: { auth: 'iam' }, route: { receiver: 'store-team', groupWait: '0s' } });
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const api = createAlertsApiHandler({ store, settings, secrets: { linkSecrets: ['link-key'] }, clock });
  const [raised] = await reconcilePosition({ sku: 'SKU-1', locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings });
  return { store, api, fp: raised!.alert.fingerprint };
}

const request = (method: string, rawPath: string, body?: string, signed = true): AlertsApiRequest => ({
  rawPath, body, requestContext: { http: { method }, authorizer: signed ? { iam: { userArn: 'arn:aws:iam::1:user/ann' } } : undefined },
});

describe('fuzz: alerts API and ack links', () => {
  it('answers hostile paths, methods, bodies and tokens with 2xx or a 4xx with a reason, and a refusal changes no alert', async () => {
    const { store, api, fp } = await setup();
    const token = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('%E0%A4%A', '%', 'AAAA', createAckToken({ fingerprint: fp, action: 'ack', expiresAt: new Date('2026-05-01T00:00:00Z') }, 'link-key'),
        createAckToken({ fingerprint: fp, action: 'ack', expiresAt: new Date('2026-06-01T00:00:00Z') }, 'other-key')),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64url')),
    );
    const path = fc.oneof(
      token.map((t) => `/a/${t}`),
      fc.constantFrom('ack', 'resolve', 'snooze', 'comment', 'x').map((verb) => `/alerts/${fp}/${verb}`),
      fc.string({ maxLength: 30 }).map((s) => `/alerts/${s}`),
      fc.constantFrom('/silences', '/silences/%zz', '/alerts/%E0%A4%A', '/'),
      fc.webPath(),
    );
    const body = fc.option(fc.oneof(fc.string({ maxLength: 80 }), hostileValue.map((v) => JSON.stringify(v) ?? ''),
      fc.record({ note: hostileValue, minutes: hostileValue, until: hostileValue, comment: hostileValue, match: hostileValue, endsAt: hostileValue }).map((o) => JSON.stringify(o))), { nil: undefined });
    await fc.assert(fc.asyncProperty(path, fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'), body, fc.boolean(), async (p, method, b, signed) => {
      const before = JSON.stringify(await store.getAlert(fp));
      const res = await api(request(method, p, b, signed));
      expect(res.statusCode, `${method} ${p}: ${res.body}`).toBeLessThan(500);
      if (res.statusCode >= 400) {
        expect(res.body.length).toBeGreaterThan(10);
        expect(JSON.stringify(await store.getAlert(fp))).toBe(before);
        tally('alerts API and ack links', 'refused');
      } else {
        tally('alerts API and ack links', 'accepted');
      }
    }), fuzzParams(150));
  }, 120_000);
});
