// One app, two stages: distinct names, prod keeps its data; wrong config or stage settings stop synth with the path.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
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
      expect(failure?.stderr).toContain('tests/infra/fixtures/bad.config.json');
      expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json'))).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, SYNTH_TIMEOUT_MS);
});
