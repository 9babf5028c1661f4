// The one test that really bundles: esbuild (local, no Docker) turns an entry into ESM with the hub config inlined.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, describe, expect, it } from 'vitest';
import { hubBundling, REPO_ROOT } from '../../infra/stack/hub-function.js';
import { SYNTH_TIMEOUT_MS } from './support.js';
import { parseHubConfig } from '../../shared/config.js';

const outdir = mkdtempSync(path.join(tmpdir(), 'stocksentry-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('hubBundling', () => {
  it('bundles offline to an ESM index.mjs that sees the validated config and a working require', async () => {
    const config = parseHubConfig({ stage: 'dev', connectors: [{ name: 'erp', type: 'erp-rest', endpoint: 'https://erp.example.com' }] });
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundlingProbe');
    new nodejs.NodejsFunction(stack, 'ConfigEcho', {
      entry: path.join(REPO_ROOT, 'tests/infra/fixtures/config-echo.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: hubBundling(config),
    });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const bundleDir = path.join(assembly.directory, assets[0]!);

    const source = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(source).not.toContain('process.env.HUB_CONFIG');
    const mod = (await import(pathToFileURL(path.join(bundleDir, 'index.mjs')).href)) as { handler: () => Promise<{ config: unknown; hasRequire: boolean }> };
    await expect(mod.handler()).resolves.toEqual({ config: JSON.parse(JSON.stringify(config)), hasRequire: true });
  }, SYNTH_TIMEOUT_MS);
});
