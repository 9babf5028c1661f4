// The console on AWS as CloudFormation: private bucket behind CloudFront with origin access control, HTTPS only,
// security headers and SPA fallback; a JWT authorizer on every console route; the four groups and configured users.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { hubChecks } from '../../infra/stack/checks.js';
import type { HubStack } from '../../infra/stack/hub-stack.js';
import { loadHubConfig } from '../../config/load.js';
import { parseHubConfig } from '../../shared/config.js';
import { SYNTH_TIMEOUT_MS, synthHub, FIXTURE_CONFIG } from './support.js';

let template: Template;
let stack: HubStack;
let app: Awaited<ReturnType<typeof synthHub>>['app'];

beforeAll(async () => {
  const base = await loadHubConfig(FIXTURE_CONFIG);
  const config = parseHubConfig({
    ...base, receivers: base.receivers.map((r) => ({ ...r, emails: r.emails.filter((e) => !base.suppliers.some((s) => s.email === e)) })),
    console: { users: [{ email: 'north@example.com', group: 'store', locations: [base.locations[0]!.id] }, { email: 'buyer@example.com', group: 'buyer', approvalLimit: 2000 }] },
  });
  ({ template, stack, app } = await synthHub({}, config));
}, SYNTH_TIMEOUT_MS);

const idOf = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as Parameters<HubStack['getLogicalId']>[0]);

describe('console hosting', () => {
  it('keeps the bucket private: public access blocked, TLS only, readable by this distribution alone', () => {
    const bucket = idOf(stack.console.bucket);
    template.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket).includes(bucket))!;
    const statements = policy.Properties.PolicyDocument.Statement as { Effect: string; Principal: unknown; Action: string | string[]; Condition?: Record<string, unknown> }[];
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    const reads = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('s3:GetObject'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(JSON.stringify(reads[0]!.Condition)).toContain(idOf(stack.console.distribution));
  });

  it('serves over HTTPS only with origin access control, security headers and index.html for every page address', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        CacheBehaviors: [Match.objectLike({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only' })],
        CustomErrorResponses: [{ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 }, { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 }],
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({ SecurityHeadersConfig: Match.objectLike({ StrictTransportSecurity: Match.objectLike({ Override: true }), ContentSecurityPolicy: Match.objectLike({ ContentSecurityPolicy: Match.stringLikeRegexp("frame-ancestors 'none'") }) }) }),
    });
  });
});

describe('console API', () => {
  it('puts the Cognito JWT authorizer on every console route', () => {
    const api = idOf(stack.console.httpApi);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => JSON.stringify(r.Properties.ApiId).includes(api));
    expect(routes.length).toBeGreaterThanOrEqual(2);
    for (const r of routes) expect(r.Properties, JSON.stringify(r.Properties)).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
    const authorizers = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).filter((a) => JSON.stringify(a.Properties.ApiId).includes(api));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]!.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    expect(JSON.stringify(authorizers[0]!.Properties.JwtConfiguration.Issuer)).toContain(idOf(stack.console.userPool));
  });

  it('has the four groups, the configured users in theirs, MFA and no self sign-up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName).sort();
    expect(groups).toEqual(['admin', 'buyer', 'store', 'viewer']);
    const attachments = Object.values(template.findResources('AWS::Cognito::UserPoolUserToGroupAttachment')).map((a) => `${a.Properties.Username}:${a.Properties.GroupName}`).sort();
    expect(attachments).toEqual(['buyer@example.com:buyer', 'north@example.com:store']);
  });
});

describe('cdk-nag on the console', () => {
  it('reports no violation in the console construct', () => {
    const violations = hubChecks(app).flatMap((pack) => pack.validateScope(stack).violations
      .flatMap((v) => v.violatingResources.filter((r) => r.constructPath?.includes('/Console') || r.constructPath?.includes('Custom::CDK') || r.constructPath?.includes('BucketDeployment') || r.constructPath?.includes('CustomS3AutoDeleteObjects')).map((r) => `${v.ruleName} at ${r.constructPath}`)));
    expect(violations).toEqual([]);
  }, SYNTH_TIMEOUT_MS);
});
