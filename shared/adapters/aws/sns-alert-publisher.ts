// Alert notifications on one SNS topic: each receiver's endpoints subscribe with a filter policy on `receiver`,
// and MessageStructure json gives every protocol its own body (SMS text, readable email, full JSON for HTTPS).
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher, Notification } from '../../alerts/ports.js';

/** SNS rejects messages over 256 KiB; a huge group sends its webhook body as a summary instead. */
const MAX_MESSAGE_BYTES = 250 * 1024;

const attribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

// SNS email subjects: ASCII, no line breaks, under 100 characters.
const subjectLine = (s: string): string => s.replace(/[^\x20-\x7e]/g, '').slice(0, 99);

export function snsMessage(n: Notification): string {
  const bodies = (https: unknown) => JSON.stringify({ default: n.sms, sms: n.sms, email: n.email.text, https: JSON.stringify(https) });
  const full = bodies(n.json);
  if (Buffer.byteLength(full) <= MAX_MESSAGE_BYTES) return full;
  const summary = (list: Notification['firing']) => list.map((a) => ({ fingerprint: a.fingerprint, type: a.type, severity: a.severity, sku: a.sku, locationId: a.locationId, message: a.message }));
  return bodies({ ...n.json, truncated: true, firing: summary(n.firing), resolved: summary(n.resolved) });
}

export class SnsAlertPublisher implements AlertPublisher {
  constructor(private readonly sns: SNSClient, private readonly topicArn: string) {}

  async publish(n: Notification): Promise<void> {
    await this.sns.send(new PublishCommand({
      TopicArn: this.topicArn,
      Subject: subjectLine(n.email.subject),
      MessageStructure: 'json',
      Message: snsMessage(n),
      MessageAttributes: {
        receiver: attribute(n.receiver.name),
        severity: attribute(n.severity),
        type: attribute(n.type ?? 'MIXED'),
        location: attribute(n.location ?? 'MULTIPLE'),
        kind: attribute(n.kind),
        notificationId: attribute(n.id),
        // Alerts must arrive even when promotional SMS are throttled or opted out.
        'AWS.SNS.SMS.SMSType': attribute('Transactional'),
      },
    }));
  }
}
