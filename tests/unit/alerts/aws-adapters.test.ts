import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus, EventPutError } from '../../../shared/adapters/aws/event-bus.js';
import { SnsAlertPublisher } from '../../../shared/adapters/aws/sns-alert-publisher.js';
import { receiver } from '../../../shared/config.js';
import { buildNotification, MemoryAlertStore, reconcilePosition, smsSegments, type Alert } from '../../../shared/alerts/index.js';
import { toBusEntry } from '../../../events/alerts.js';
import { parseEventDetail } from '../../../events/catalog.js';
import { finding, settingsFor } from './fixtures.js';

const sns = mockClient(SNSClient);
const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => { sns.reset(); eventBridge.reset(); });

const now = new Date('2026-05-04T08:00:00Z');

async function raisedAlerts(): Promise<Alert[]> {
  const events = await reconcilePosition({
    sku: 'SKU-1', locationId: 'store-north',
    findings: [
      finding('STOCKOUT', 'critical', { facts: { available: 0, onHand: 0, reserved: 0, forecastDaily: 4, lostSalesPerDay: 40, nextInbound: 'none', orderArrives: '2026-05-11', shortUntilOrderArrives: 28, valueAtRisk: 280 } }),
      finding('EXPIRY', 'warning', { facts: { expiringUnits: 6, firstExpiry: '2026-05-20', daysToExpiry: 16, value: 12 } }),
    ],
    now,
  }, { store: new MemoryAlertStore(), settings: settingsFor() });
  return events.map((e) => e.alert);
}

describe('SnsAlertPublisher', () => {
  it('publishes one json-structured message with per-protocol bodies and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const alerts = await raisedAlerts();
    const n = buildNotification({
      id: 'n-1', kind: 'firing', receiver: receiver.parse({ name: 'store-team', emails: ['a@example.com'], phones: ['+14155550100'] }),
      groupKey: 'root/store-team/{location=store-north}', groupLabels: { location: 'store-north' }, firing: alerts, resolved: [], now,
      links: { baseUrl: 'https://hub.example.com/', secret: 's', ttlMs: 3_600_000 }, linkSetId: '00112233aabbccdd',
    });
    await new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:1:alerts').publish(n);

    const [call] = sns.commandCalls(PublishCommand);
    const input = call!.args[0].input;
    expect(input).toMatchObject({ TopicArn: 'arn:aws:sns:eu-west-1:1:alerts', MessageStructure: 'json', Subject: '[StockSentry] store-north: SKU-1 is out of stock and 1 more alert' });
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.MessageAttributes).toMatchObject({
      receiver: { DataType: 'String', StringValue: 'store-team' },
      severity: { DataType: 'String', StringValue: 'critical' },
      type: { DataType: 'String', StringValue: 'MIXED' },
      location: { DataType: 'String', StringValue: 'store-north' },
    });
    const bodies = JSON.parse(input.Message!) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https', 'sms']);
    expect(smsSegments(bodies.sms!).segments).toBeLessThanOrEqual(2);
    expect(bodies.sms).toMatch(/^StockSentry store-north: 2 alerts, 1 critical\. Worst: SKU-1 is out of stock, about €40 of sales lost a day\. Acknowledge all 2: https:\/\/hub\.example\.com\/a\/[\w-]{34}$/);
    expect(bodies.email!.replace(/\n +/g, ' ')).toContain('It sells about 4 units a day, so about €40.00 of sales are lost each day.');
    expect(bodies.email).not.toMatch(/onHand|lostSalesPerDay/);
    expect(JSON.parse(bodies.https!)).toMatchObject({ id: 'n-1', kind: 'firing', receiver: 'store-team', firing: [{ type: 'STOCKOUT' }, { type: 'EXPIRY' }] });
  });
});

describe('EventBridgeBus', () => {
  it('puts catalog events in batches of ten and resends the entries EventBridge rejected', async () => {
    const alerts = await raisedAlerts();
    const entries = Array.from({ length: 12 }, (_, i) => toBusEntry({ type: 'AlertRaised', id: `e-${i}`, at: now.toISOString(), alert: alerts[0]!, reopened: false }));
    eventBridge.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, ...Array.from({ length: 9 }, () => ({ EventId: 'x' }))] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'y' }, { EventId: 'z' }] });
    await new EventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'hub-bus', () => 1).putEvents(entries);

    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((c) => c.length)).toEqual([10, 1, 2]);
    expect(calls[1]![0]).toMatchObject({ EventBusName: 'hub-bus', Source: 'stocksentry.alerts', DetailType: 'AlertRaised' });
    expect(JSON.parse(calls[1]![0]!.Detail!)).toMatchObject({ id: 'e-0' });
    // What goes on the bus is what the catalog accepts.
    expect(parseEventDetail('AlertRaised', JSON.parse(calls[1]![0]!.Detail!)).alert.type).toBe('STOCKOUT');
  });

  it('fails loudly when entries stay rejected', async () => {
    const alerts = await raisedAlerts();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    const bus = new EventBridgeBus(new EventBridgeClient({ region: 'eu-west-1' }), 'hub-bus', () => 1);
    await expect(bus.putEvents([toBusEntry({ type: 'AlertResolved', id: 'r', at: now.toISOString(), alert: alerts[0]!, reason: 'cleared' })]))
      .rejects.toBeInstanceOf(EventPutError);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });
});
