import { describe, expect, it } from 'vitest';
import { alertingConfig, alertsSettings, resolveAlertSecrets } from '../../../shared/alerts/config.js';
import { routeById } from '../../../shared/alerts/routing.js';
import { ConfigError, parseHubConfig } from '../../../shared/config.js';

const receivers = [
  { name: 'store-north', emails: ['north@example.com'], phones: ['+4915100000001'] },
  { name: 'regional', emails: ['region@example.com'] },
  { name: 'buyers', emails: ['buyers@example.com'] },
  { name: 'ops-hook', webhooks: [{ url: 'https://ops.example.com/stocksentry', secret: { env: 'OPS_HOOK_SECRET' } }] },
];

// The example from docs/alerts.md.
const documented = {
  flapWindow: '1h',
  timeWindows: [
    { name: 'store-night', timeZone: 'Europe/Berlin', times: [{ start: '21:00', end: '07:00' }] },
    { name: 'office', timeZone: 'Europe/Berlin', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], times: [{ start: '08:00', end: '18:00' }] },
  ],
  escalationPolicies: [{ name: 'stores', ackDeadline: { critical: '30m', warning: '8h' }, steps: [{ receivers: ['regional'] }, { receivers: ['ops-hook'] }] }],
  route: {
    receiver: 'ops-hook', groupBy: ['location'], groupWait: '30s', groupInterval: '5m', repeatInterval: '24h',
    routes: [
      { match: { type: ['STOCKOUT', 'STOCKOUT_RISK', 'LOW_STOCK', 'EXPIRY'] }, matchRe: { location: 'store-.*' }, receiver: 'store-north', escalation: 'stores', muteTimeWindows: ['store-night'], muteExceptSeverities: ['critical'], continue: true },
      { match: { type: ['OVERSTOCK', 'DEAD_STOCK', 'AGEING', 'LEAD_TIME_RISK', 'SUPPLY_GAP'] }, receiver: 'buyers', groupBy: ['supplier'], activeTimeWindows: ['office'] },
    ],
  },
  silences: [{ id: 'refit-2026', match: { location: ['store-east'] }, endsAt: '2026-06-01T00:00:00Z', comment: 'store closed for refit' }],
  ackLinks: { baseUrl: 'https://alerts.example.com', secret: { secretName: 'stocksentry/ack-links' }, ttl: '7d' },
  api: { auth: 'iam' },
};

const settings = (alerting: unknown) => alertsSettings({ ...parseHubConfig({ receivers }), alerting: alertingConfig.parse(alerting) });

describe('alerting config', () => {
  it('accepts the documented example and resolves durations and defaults', async () => {
    const s = settings(documented);
    expect(s.flapWindowMs).toBe(3_600_000);
    expect(s.escalationPolicies[0]!.ackDeadline).toEqual({ critical: 1_800_000, warning: 28_800_000 });
    expect(routeById(s.route, 'root')).toMatchObject({ groupWait: 30_000, repeatInterval: 86_400_000, sendResolved: false, muteExceptSeverities: ['critical'] });
    expect(s.inhibitRules).toHaveLength(1);
    const secrets = await resolveAlertSecrets(s, async (ref) => ('secretName' in ref ? `value-of-${ref.secretName}` : 'x'));
    expect(secrets).toEqual({ links: { baseUrl: 'https://alerts.example.com', secret: 'value-of-stocksentry/ack-links', ttlMs: 604_800_000 }, linkSecrets: ['value-of-stocksentry/ack-links'], apiBearerToken: undefined });
  });

  it('names every broken reference with its path', () => {
    const broken = { ...documented, escalationPolicies: [{ name: 'stores', ackDeadline: {}, steps: [{ receivers: ['nobody'] }] }], api: { auth: 'bearer' },
      route: { ...documented.route, routes: [{ receiver: 'buyers', muteTimeWindows: ['lunch'], escalation: 'nope' }] } };
    try {
      settings(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        'alerting.route.routes[0]', 'alerting.route.routes[0].escalation', 'alerting.escalationPolicies[0].steps[0].receivers', 'alerting.api.bearerToken',
      ]);
    }
  });

  it('rejects bad durations, clock times and time zones at parse time', () => {
    expect(alertingConfig.safeParse({ flapWindow: '1 hour' }).error?.issues[0]?.message).toBe('expected a duration like 30s, 5m, 4h or 2d');
    expect(alertingConfig.safeParse({ timeWindows: [{ name: 'x', times: [{ start: '25:00', end: '07:00' }] }] }).success).toBe(false);
    expect(alertingConfig.safeParse({ timeWindows: [{ name: 'x', timeZone: 'Mars/Olympus', times: [{ start: '22:00', end: '07:00' }] }] }).error?.issues[0]?.message)
      .toBe('expected an IANA time zone like Europe/Berlin');
  });
});
