// The hub's customer-managed key: encrypts the table, queues and topics; lets AWS services deliver into them.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What the account (and, through IAM, its roles) may do with the key: administer it and use it; each action spelled out. */
const ACCOUNT_KEY_ACTIONS = [
  'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:CreateGrant', 'kms:DeleteAlias', 'kms:DescribeKey',
  'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus', 'kms:ListAliases', 'kms:ListGrants', 'kms:ListKeyPolicies', 'kms:ListResourceTags',
  'kms:PutKeyPolicy', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion', 'kms:TagResource',
  'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription', 'kms:RotateKeyOnDemand',
  'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** What a delivering service needs to write into an encrypted queue or topic. */
const DELIVERY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

export interface HubKeyProps {
  alias: string;
  removalPolicy: RemovalPolicy;
}

export class HubKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: HubKeyProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AccountAdministersKeyAndDelegatesUseThroughIam',
          principals: [new iam.AccountRootPrincipal()],
          actions: ACCOUNT_KEY_ACTIONS,
          resources: ['*'],
        }),
        // SNS (subscription DLQs) and EventBridge (rule DLQs) write into encrypted queues of this account only.
        new iam.PolicyStatement({
          sid: 'SnsAndEventBridgeDeliverToEncryptedQueues',
          principals: [new iam.ServicePrincipal('sns.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
          actions: DELIVERY_ACTIONS,
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
        // CloudWatch alarm actions publish to the encrypted operator topic: alarms of this account only.
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: DELIVERY_ACTIONS,
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
          },
        }),
      ],
    });
    this.key = new kms.Key(this, 'Key', {
      description: `StockSentry data key (${props.alias})`,
      enableKeyRotation: true,
      alias: props.alias,
      policy,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
  }
}
