// The console on AWS: the built app in a private S3 bucket behind CloudFront (origin access control, HTTPS only,
// security headers, every page address answered with index.html), its API under /api/* on the same distribution
// (an HTTP API whose every route needs a Cognito JWT), and the Cognito user pool with the four console groups.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cwlogs from 'aws-cdk-lib/aws-logs';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_GROUPS, type ConsoleConfig } from '../../shared/console-access.js';
import { acknowledge } from './checks.js';
import type { HubFunction } from './hub-function.js';
import { REPO_ROOT } from './hub-function.js';

export const CONSOLE_DIST = path.join(REPO_ROOT, 'console', 'dist');
const CONSOLE_SOURCES = ['console/client', 'console/api/schema.ts', 'console/vite.config.ts', 'shared/i18n', 'shared/console-links.ts'];

const newest = (p: string): number => {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  return s.isDirectory() ? Math.max(s.mtimeMs, ...readdirSync(p).map((e) => newest(path.join(p, e)))) : s.mtimeMs;
};

/** Synth needs the built app as an asset: build it (Vite, a few seconds) when it is missing or older than its sources. */
export function ensureConsoleDist(): string {
  const index = path.join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index) || Math.max(...CONSOLE_SOURCES.map((s) => newest(path.join(REPO_ROOT, s)))) > statSync(index).mtimeMs) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(REPO_ROOT, 'console', 'vite.config.ts'), '--logLevel', 'error'], { stdio: 'inherit' });
  }
  return CONSOLE_DIST;
}

export interface HubConsoleProps {
  prefix: string;
  console: ConsoleConfig;
  /** The console-api function (functions/console-api.ts). */
  api: HubFunction;
  removalPolicy: RemovalPolicy;
  logRetentionDays: number;
}

export class HubConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: HubConsoleProps) {
    super(scope, id);
    const autoDelete = props.removalPolicy === RemovalPolicy.DESTROY;

    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront standard logs are written with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays) }],
      removalPolicy: props.removalPolicy, autoDeleteObjects: autoDelete,
    });
    acknowledge(logs, 'AwsSolutions-S1', 'This is the access-log bucket of the console bucket and distribution; logging it to itself would loop.');

    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'site/', removalPolicy: props.removalPolicy, autoDeleteObjects: autoDelete,
    });

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${props.prefix}-console`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        locations: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
        approvalLimit: new cognito.StringAttribute({ mutable: true, maxLen: 32 }),
      },
      removalPolicy: props.removalPolicy,
    });
    for (const rule of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      acknowledge(this.userPool, rule, 'Threat protection needs the paid Cognito Plus plan; here MFA is required, sign-up is closed (admins invite users) and passwords are strong.');
    }
    for (const group of CONSOLE_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group, description: `StockSentry console: ${group}` });
    }
    props.console.users.forEach((u, i) => {
      const user = new cognito.CfnUserPoolUser(this, `User${i}`, {
        userPoolId: this.userPool.userPoolId, username: u.email, desiredDeliveryMediums: ['EMAIL'],
        userAttributes: [{ name: 'email', value: u.email }, { name: 'email_verified', value: 'true' }],
      });
      const attach = new cognito.CfnUserPoolUserToGroupAttachment(this, `User${i}Group`, { userPoolId: this.userPool.userPoolId, username: u.email, groupName: u.group });
      attach.addResourceDependency(user);
      for (const group of this.node.children.filter((c): c is cognito.CfnUserPoolGroup => c instanceof cognito.CfnUserPoolGroup && c.groupName === u.group)) attach.addResourceDependency(group);
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.prefix} console`,
      defaultRootObject: 'index.html',
      enableLogging: true, logBucket: logs, logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
          comment: `${props.prefix} console security headers`,
          securityHeadersBehavior: {
            strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
            referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
            contentSecurityPolicy: {
              contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' https://*.amazoncognito.com; frame-ancestors 'none'; base-uri 'self'",
              override: true,
            },
          },
        }),
      },
      // A page address (/alerts/…) is no object in the bucket: S3 answers 403, and the app's index.html takes over.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'The console serves a retailer\'s staff wherever they are; sign-in (Cognito with MFA) guards it, not geography.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2', 'The distribution serves static files and an API that requires a Cognito JWT on every route and is throttled; add a WAF web ACL if your policy asks for one.');
    acknowledge(this.distribution, 'AwsSolutions-CFR4', 'Without a custom domain CloudFront uses its default certificate, which does not let the minimum TLS version be set; TLSv1.2_2021 applies once a domain and certificate are added.');

    this.client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`https://${this.distribution.distributionDomainName}/`],
        logoutUrls: [`https://${this.distribution.distributionDomainName}/`],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(8),
      readAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }).withCustomAttributes('locations', 'approvalLimit'),
    });
    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `${props.prefix}-${Names.uniqueId(this).slice(-8).toLowerCase()}`.slice(0, 63) },
    });

    // Every route needs a valid token of this pool and client; the function then checks the group per action.
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${props.prefix}-console`,
      description: 'StockSentry console API (Cognito JWT on every route; reached through the console distribution under /api/)',
      createDefaultStage: false,
      defaultAuthorizer: new HttpUserPoolAuthorizer('ConsoleAuthorizer', this.userPool, { userPoolClients: [this.client] }),
    });
    this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration('ConsoleApiIntegration', props.api.fn) });
    const accessLogs = new cwlogs.LogGroup(this, 'ApiAccessLogs', { retention: props.logRetentionDays, removalPolicy: props.removalPolicy });
    new apigwv2.HttpStage(this, 'ApiStage', {
      httpApi: this.httpApi, stageName: '$default', autoDeploy: true, throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId', ip: '$context.identity.sourceIp', user: '$context.authorizer.claims.email', requestTime: '$context.requestTime',
          method: '$context.httpMethod', path: '$context.path', status: '$context.status', latency: '$context.responseLatency',
        })),
      },
    });
    this.distribution.addBehavior('/api/*', new origins.HttpOrigin(`${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    });

    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(ensureConsoleDist()),
        s3deploy.Source.jsonData('config.json', { apiUrl: '/api', auth: 'cognito', cognito: { domain: domain.baseUrl(), clientId: this.client.userPoolClientId } }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });

    // The deployment's copy function is CDK's own (one per stack, Python): its role and runtime are CDK's choice.
    const copier = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (copier) {
      const why = 'CDK\'s BucketDeployment copy function (its own runtime, managed logging policy and S3 wildcards on the asset and console buckets) runs only at deploy time.';
      const stack = Stack.of(this);
      const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
      const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
      const site = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
      for (const rule of [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        ...['GetObject*', 'GetBucket*', 'List*', 'DeleteObject*', 'Abort*'].map((a) => `AwsSolutions-IAM5[Action::s3:${a}]`),
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*]`,
        `AwsSolutions-IAM5[Resource::<${site}.Arn>/*]`, 'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1', 'Serverless-LambdaDLQ', 'Serverless-LambdaLatestVersion', 'Serverless-LambdaTracing',
      ]) acknowledge(copier, rule, why);
    }
    void deployment;

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/` });
    new CfnOutput(this, 'ConsoleUserPoolId', { value: this.userPool.userPoolId, description: 'stocksentry users invite --user-pool-id <this>' });
  }
}
