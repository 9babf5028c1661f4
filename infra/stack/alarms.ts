// Where alarms go: the operator topic, fed to the operator receiver's emails, phones and webhooks.
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';

export class AlarmRouter {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: cloudwatch.IAlarmAction;

  constructor(readonly operatorTopic: sns.ITopic) {
    this.action = new actions.SnsAction(operatorTopic);
  }

  /** Sends the alarm and its recovery to the operator. */
  route(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
