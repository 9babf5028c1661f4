// A local run with a known value for every credential: no secret may reach stdout/stderr, logs, the outbox or the table.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DEMO_ENV } from '../../infra/local/demo/config.js';
import { LOCAL_AWS } from '../../infra/local/dynamodb.js';
import type { LocalHub, RunReport } from '../../infra/local/runtime.js';
import { localSecrets } from '../../infra/local/state.js';

const secrets: Record<string, string> = Object.fromEntries(Object.keys(DEMO_ENV).map((name) => [name, `leakmark-${name.toLowerCase()}-${randomUUID().slice(0, 8)}`]));
const tableName = `secret-leak-${randomUUID().slice(0, 8)}`;
const printed: string[] = [];
let hub: LocalHub;
let report: RunReport;
let outboxDir: string;
let stateDir: string;

// 24 SKUs: the smallest demo with an at-risk position in a store (e-mail, SMS) and on the web (signed webhook).
beforeAll(async () => {
  for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
  // The logger reads its level when first imported, so the env is set before the runtime is loaded.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  const capture = (chunk: unknown) => { printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')); return true; };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')); });
  }
  const { logger } = await import('../../functions/observability.js');
  logger.setLogLevel('DEBUG');
  const { startLocalHub } = await import('../../infra/local/runtime.js');
  outboxDir = mkdtempSync(path.join(tmpdir(), 'secret-leak-'));
  stateDir = mkdtempSync(path.join(tmpdir(), 'secret-leak-state-'));
  hub = await startLocalHub({ outbox: outboxDir, stateDir, dynamoEndpoint: inject('dynamoEndpoint'), demoSkus: 24, tableName, log: (line) => printed.push(line) });
  // The hub's own secrets (ack-link signing, the API token) are watched too: only the CLI's summary shows the token.
  for (const [name, value] of Object.entries(localSecrets(stateDir))) secrets[`local ${name}`] = value;
  report = await hub.runOnce();
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (outboxDir) rmSync(outboxDir, { recursive: true, force: true });
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** Each secret as written, and as it would look base64-encoded (Basic auth, encoded bodies). */
const leaksIn = (text: string) => Object.entries(secrets)
  .filter(([, value]) => text.includes(value) || text.includes(Buffer.from(value).toString('base64')))
  .map(([name]) => name);

const filesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe('secrets during a local run', () => {
  it('ran the whole pipeline with every credential in use', () => {
    expect(report.syncs.map((s) => s.connector).sort()).toEqual(['erp', 'shop']);
    expect(report.syncs.flatMap((s) => s.streams).every((s) => s.read > 0)).toBe(true);
    expect(report.notifications.webhooks).toBeGreaterThan(0);
    expect(report.requests.some((r) => r.ackedAt)).toBe(true);
    expect(hub.demo!.partner.refused).toEqual([]);
    // The capture works: the Powertools logger's JSON lines (debug included) were seen.
    expect(printed.some((line) => line.includes('"level":"DEBUG"'))).toBe(true);
  });

  it('traces a record from its sync through the stream to the events it led to by one correlation id', () => {
    const lines = printed.flatMap((chunk) => chunk.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const published = lines.find((l) => l.message === 'events published' && String(l.correlationId).startsWith('sync-shop-'));
    expect(published).toBeDefined();
    expect(lines.some((l) => l.message === 'sync finished' && l.correlationId === published!.correlationId)).toBe(true);
  });

  it('prints no secret on stdout, stderr, the console or the logger', () => {
    expect(printed.length).toBeGreaterThan(0);
    expect(leaksIn(printed.join('\n'))).toEqual([]);
  });

  it('writes no secret into the outbox', () => {
    const files = filesUnder(outboxDir);
    expect(files.some((f) => f.endsWith('.eml'))).toBe(true);
    expect(files.map((f) => ({ file: path.basename(f), leaks: leaksIn(readFileSync(f, 'utf8')) })).filter((f) => f.leaks.length)).toEqual([]);
  });

  it('stores no secret in the table', async () => {
    const client = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
    const doc = DynamoDBDocumentClient.from(client);
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    client.destroy();
    expect(items.length).toBeGreaterThan(0);
    expect(leaksIn(JSON.stringify(items))).toEqual([]);
  });
});
