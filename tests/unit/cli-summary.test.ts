// The summary `npm start` prints: the most urgent alerts said as their messages say them, ranked by money at risk.
import { describe, expect, it } from 'vitest';
import { summarize } from '../../cli/commands/summary.js';
import type { RunReport } from '../../infra/local/runtime.js';
import type { Item } from '../../shared/model.js';
import { EXAMPLE_ALERTS, EXAMPLE_NOW, exampleDirectory, exampleItems } from '../support/message-examples.js';

const hub = {
  outboxDir: '/tmp/outbox', apiUrl: 'http://127.0.0.1:4000', apiToken: 'token', consoleUrl: 'http://127.0.0.1:4000/console/?token=t', persistent: false, demo: undefined,
  services: {
    store: { getItems: async (skus: string[]) => new Map(skus.flatMap((sku) => { const name = exampleItems('en').get(sku)?.name; return name ? [[sku, { sku, name } as Item]] : []; })) },
    alertSettings: { messages: exampleDirectory('en') },
    clock: { now: () => EXAMPLE_NOW },
  },
} as unknown as Parameters<typeof summarize>[1];

describe('the run summary', () => {
  it('names products and places, and ranks the most urgent by severity, then money at risk', async () => {
    const open = Object.values(EXAMPLE_ALERTS).filter((a) => a.state !== 'resolved');
    const report: RunReport = { syncs: [], streamRecords: 0, openAlerts: open, notifications: { notifications: 0, emails: 0, sms: 0, webhooks: 0, failed: 0 }, requests: [] };
    const text = await summarize(report, hub, { stateDir: '/tmp/state' });
    const urgent = text.slice(text.indexOf('Most urgent'), text.indexOf('Notified'));
    expect(urgent).toContain('Oat milk 1 l (SKU-0042) is out of stock at North Street store');
    expect(urgent).toMatch(/€\d/);
    for (const a of open) expect(urgent).not.toContain(a.message);
    expect(urgent.match(/^ {2}- \[/gm)).toHaveLength(5);
    // Critical first: the first entry is critical.
    expect(urgent.split('\n')[1]).toMatch(/^ {2}- \[critical\]/);
  });
});
