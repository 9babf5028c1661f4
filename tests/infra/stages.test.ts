// One app, two stages: distinct names, prod keeps its data; wrong config or stage settings stop synth with the path.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DLQ_PURPOSE_TAG, DLQ_REDRIVE_TAG } from '../../infra/stack/dlq-tags.js';
import { resolveStage } from '../../infra/stack/stage.js';
import { alertingConfig } from '../../shared/alerts/config.js';
import { ConfigError, parseHubConfig } from '../../shared/config.js';
import { SYNTH_TIMEOUT_MS, synthHub, type SynthesizedHub } from './support.js';

const EMPTY_CONFIG = 'tests/infra/fixtures/empty.config.json';

describe('stages', () => {
  let dev: SynthesizedHub;
  let prod: SynthesizedHub;
  beforeAll(async () => {
    // `alerting` is added the way shared/alerts reads it until the hub.config schema holds it.
    const withAckLinks = { ...parseHubConfig({}), alerting: alertingConfig.parse({
      ackLinks: { baseUrl: 'https://alerts.example.com', secret: { secretName: 'stocksentry/ack-links' }, previousSecret: { secretName: 'stocksentry/ack-links-old' } },
    }) };
    dev = await synthHub({}, withAckLinks);
    prod = await synthHub({ stage: 'prod' }, EMPTY_CONFIG);
  }, SYNTH_TIMEOUT_MS);

  it('synthesizes dev and prod from the same app code with distinct stack, bus, alias and dashboard names and tags', () => {
    expect([dev.stack.stackName, prod.stack.stackName]).toEqual(['stocksentry-dev', 'stocksentry-prod']);
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'stocksentry-dev' });
    prod.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'stocksentry-prod' });
    prod.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/stocksentry-prod' });
    prod.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'stocksentry-prod' });
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', { Tags: [{ Key: 'app', Value: 'stocksentry' }, { Key: 'stage', Value: 'prod' }] });

    const table = (t: typeof dev.template) => Object.values(t.findResources('AWS::DynamoDB::Table'))[0]!;
    expect(table(prod.template)).toMatchObject({ DeletionPolicy: 'Retain', Properties: { DeletionProtectionEnabled: true } });
    expect(table(dev.template)).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    for (const kind of ['AWS::KMS::Key', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup']) {
      for (const r of Object.values(prod.template.findResources(kind))) expect(r.DeletionPolicy).toBe('Retain');
    }
    for (const g of Object.values(prod.template.findResources('AWS::Logs::LogGroup'))) expect(g.Properties.RetentionInDays).toBe(365);
  });

  it('lets exactly the alert functions read the ack-link signing secrets, current and previous', () => {
    const readers = (secret: string) => Object.values(dev.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`secret:${secret}-??????`))
      .map((p) => (p.Properties.Roles as { Ref: string }[])[0]!.Ref.replace(/Role[0-9A-F]{8}$/, '')).sort();
    expect(readers('stocksentry/ack-links')).toEqual(['AlertsApiHandler', 'DispatchAlerts', 'EscalateAlerts']);
    expect(readers('stocksentry/ack-links-old')).toEqual(['AlertsApiHandler', 'DispatchAlerts', 'EscalateAlerts']);
  });

  it('tags every dead-letter queue for `stocksentry dlq`, naming the function a redrive invokes where its messages are that input', () => {
    const queues = Object.entries(prod.template.findResources('AWS::SQS::Queue'));
    const tag = (q: (typeof queues)[number][1], key: string) => (q.Properties.Tags as { Key: string; Value: unknown }[]).find((t) => t.Key === key)?.Value;
    expect(queues.length).toBeGreaterThan(0);
    for (const [, q] of queues) expect(tag(q, DLQ_PURPOSE_TAG)).toEqual(expect.any(String));
    const redrive = Object.fromEntries(queues.map(([id, q]) => [id.replace(/Queue[0-9A-F]{8}$/, ''), tag(q, DLQ_REDRIVE_TAG)]));
    expect(redrive.DispatchAlertsDlq).toMatch(/^DispatchAlertsFunction[0-9A-F]{8}$/);
    expect(Object.keys(prod.template.findResources('AWS::Lambda::Function'))).toContain(redrive.DispatchAlertsDlq);
    // The sweep's DLQ holds state machine starts, not function input: it is started again, not redriven.
    expect(redrive.EvaluateSweepDlq).toBeUndefined();
    expect(redrive.EvaluateChangesDlq).toBeUndefined();
  });

  it('applies per-stage overrides from -c stages and validates them', () => {
    const config = parseHubConfig({});
    const settings = resolveStage(config, { stage: 'staging', stages: JSON.stringify({ staging: { retainData: false, logRetentionDays: 30, tags: { team: 'ops' } } }) });
    expect(settings).toMatchObject({ name: 'staging', retainData: false, logRetentionDays: RetentionDays.ONE_MONTH, tags: { team: 'ops' } });
    expect(resolveStage(config, { stage: 'staging' }).retainData).toBe(true);
    expect(() => resolveStage(config, { stages: { dev: { logRetentionDays: 10 } } })).toThrow(/stages\.dev\.logRetentionDays/);
    expect(() => resolveStage(config, { stages: { dev: { retainDta: true } } })).toThrow(ConfigError);
    expect(() => resolveStage(config, { stage: 'Prod!' })).toThrow(/stage: expected lower-case/);
  });
});

describe('stages in hub.config', () => {
  const withStages = (stages: unknown) => parseHubConfig({
    receivers: [{ name: 'ops', emails: ['ops@example.com'] }, { name: 'night', emails: ['night@example.com'] }],
    stages,
  });

  it('reads config.stages for the chosen stage, with -c stages winning field by field and tags merged', () => {
    const config = withStages({ prod: { logRetentionDays: 90, operatorReceiver: 'ops', tags: { team: 'ops', cost: 'retail' } } });
    expect(resolveStage(config, { stage: 'prod' })).toMatchObject({ retainData: true, logRetentionDays: RetentionDays.THREE_MONTHS, operatorReceiver: 'ops', tags: { team: 'ops', cost: 'retail' } });
    const overridden = resolveStage(config, { stage: 'prod', stages: { prod: { operatorReceiver: 'night', tags: { team: 'sre' } } } });
    expect(overridden).toMatchObject({ logRetentionDays: RetentionDays.THREE_MONTHS, operatorReceiver: 'night', tags: { team: 'sre', cost: 'retail' } });
    expect(resolveStage(config, { stage: 'dev' })).toMatchObject({ operatorReceiver: 'operator', logRetentionDays: RetentionDays.TWO_WEEKS });
  });

  it('defaults to no stages and rejects an operatorReceiver that names no receiver, with its path', () => {
    expect(parseHubConfig({}).stages).toEqual({});
    expect(() => withStages({ prod: { operatorReceiver: 'opps' } })).toThrow(/stages\.prod\.operatorReceiver: no receiver named "opps" \(known: ops, night\)/);
    expect(() => withStages({ prod: { logRetentionDays: 10 } })).toThrow(/stages\.prod\.logRetentionDays/);
    expect(() => resolveStage(withStages({}), { stage: 'prod', stages: { prod: { operatorReceiver: 'nobody' } } })).toThrow(/stages\.prod\.operatorReceiver: no receiver named "nobody"/);
  });
});

describe('a wrong hub.config', () => {
  it('stops `tsx infra/app.ts` with the wrong field path and no template', async () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'stocksentry-cdk-'));
    try {
      const run = promisify(execFile)(path.resolve('node_modules/.bin/tsx'), ['infra/app.ts'], {
        env: { ...process.env, HUB_CONFIG_FILE: 'tests/infra/fixtures/bad.config.json', CDK_OUTDIR: outdir },
      });
      const failure = await run.then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('connectors[0].schedule');
      // The connector registry is asked at synth too.
      expect(failure?.stderr).toContain('connectors[0].type: no connector type "erp-rest"');
      expect(failure?.stderr).toContain('tests/infra/fixtures/bad.config.json');
      expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json'))).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, SYNTH_TIMEOUT_MS);
});
