// A dead-letter queue: encrypted with the hub key, TLS-only, kept 14 days, alarmed as soon as one message lands.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmRouter } from './alarms.js';
import { acknowledge } from './checks.js';

export interface DeadLetterQueueProps {
  key: kms.IKey;
  alarms: AlarmRouter;
  removalPolicy: RemovalPolicy;
  /** What failed to get here, for the alarm description: "sync of connector erp". */
  purpose: string;
}

export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    acknowledge(this.queue, 'AwsSolutions-SQS3', 'This queue is itself a dead-letter queue; an operator inspects and redrives it (docs/deploy.md).');
    acknowledge(this.queue, 'Serverless-SQSRedrivePolicy', 'This queue is itself a dead-letter queue; a DLQ of a DLQ would only hide failures.');
    this.alarm = props.alarms.route(new cloudwatch.Alarm(this, 'NotEmpty', {
      alarmDescription: `Messages in the dead-letter queue of ${props.purpose}: inspect and redrive (docs/deploy.md#dead-letter-queues).`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }
}
