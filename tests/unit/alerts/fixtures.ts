// Shared test helpers: settings from a config fragment, findings, a recording publisher.
import { parseHubConfig, type HubConfigInput } from '../../../shared/config.js';
import type { Finding } from '../../../shared/engine/snapshot.js';
import { alertingConfig, alertsSettings, type AlertingConfigInput, type AlertsSettings } from '../../../shared/alerts/config.js';
import type { AlertPublisher, Notification } from '../../../shared/alerts/ports.js';

export const RECEIVERS: HubConfigInput['receivers'] = [
  { name: 'store-team', emails: ['north@example.com'], phones: ['+14155550100'] },
  { name: 'buyers', emails: ['buyers@example.com'] },
  { name: 'regional', emails: ['regional@example.com'], phones: ['+14155550199'] },
  { name: 'ops', webhooks: [{ url: 'https://ops.example.com/hook' }] },
];

export function settingsFor(alerting: AlertingConfigInput = {}, hub: Partial<HubConfigInput> = {}): AlertsSettings {
  const parsed = parseHubConfig({ receivers: RECEIVERS, ...hub });
  return alertsSettings({ ...parsed, alerting: alertingConfig.parse(alerting) });
}

export const finding = (type: Finding['type'], severity: Finding['severity'] = 'warning', extra: Partial<Finding> = {}): Finding => ({
  type, severity, message: `${type} condition`, ...extra,
});

export class RecordingPublisher implements AlertPublisher {
  readonly sent: Notification[] = [];
  failNext = 0;
  async publish(n: Notification): Promise<void> {
    if (this.failNext > 0) { this.failNext--; throw new Error('endpoint unavailable'); }
    this.sent.push(n);
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(private t: number) {}
  now(): Date { return new Date(this.t); }
  advance(ms: number): Date { this.t += ms; return this.now(); }
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
