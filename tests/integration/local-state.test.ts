// The local hub as a place to live in: its state outlives the process (DynamoDB Local on .stocksentry/dynamodb),
// the CLI finds it running or not, a second hub on the same folder is refused, and a link in a message sent by the
// first run still works after a restart. A small demo (24 SKUs: alerts, messages and orders all happen).
import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerAlerts } from '../../cli/commands/alerts.js';
import { register as registerReset } from '../../cli/commands/reset.js';
import { closeOpenedHubs } from '../../cli/hub.js';
import { freePort } from '../../infra/local/dynamodb.js';
import { startLocalHub, type LocalHub, type RunReport } from '../../infra/local/runtime.js';
import { runningHub, statePaths } from '../../infra/local/state.js';

let dir: string;
let stateDir: string;
let outbox: string;
let apiPort: number;
let first: RunReport;
let firstOutbox: string;
let hub: LocalHub | undefined;

const start = () => startLocalHub({ stateDir, outbox, apiPort, demoSkus: 24 });

async function cli(register: (program: Command) => void, ...args: string[]): Promise<string> {
  const out: string[] = [];
  const program = new Command().exitOverride();
  register(program);
  try {
    await program.parseAsync(['node', 'stocksentry', ...args]);
  } finally {
    await closeOpenedHubs();
  }
  return out.join('\n');
}
const alertsCli = async (...args: string[]) => {
  const out: string[] = [];
  await cli((p) => registerAlerts(p, undefined, undefined, (t) => out.push(t)), 'alerts', ...args);
  return out.join('\n');
};

const decodeQuotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'local-state-'));
  stateDir = path.join(dir, '.stocksentry');
  outbox = path.join(dir, 'outbox');
  apiPort = await freePort();
  hub = await start();
  firstOutbox = hub.outboxDir;
  first = await hub.runOnce();
}, 240_000);

afterAll(async () => {
  await hub?.stop();
  await closeOpenedHubs();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local hub\'s state', () => {
  it('records the running hub in hub.json and refuses a second one on the same folder', async () => {
    const record = runningHub(stateDir)!;
    expect(record).toMatchObject({ pid: process.pid, apiUrl: `http://127.0.0.1:${apiPort}`, tableName: 'stocksentry-local', inMemory: false, config: null });
    expect(first.openAlerts.length).toBeGreaterThan(0);
    await expect(start()).rejects.toMatchObject({ code: 'STATE_BUSY', message: expect.stringContaining(`pid ${process.pid}`) });
    // The refused start left the running hub's files alone.
    expect(runningHub(stateDir)?.pid).toBe(process.pid);
  });

  it('keeps the secrets private and takes the printed bearer token on the alerts API', async () => {
    const secrets = statePaths(stateDir).secrets;
    expect(spawnSync('stat', ['-c', '%a', secrets], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    // As docs/alerts.md says: apiToken from .stocksentry/secrets.json, the token the summary prints.
    const { apiToken } = JSON.parse(readFileSync(secrets, 'utf8')) as { apiToken: string };
    expect(apiToken).toBe(hub!.apiToken);
    const refused = await fetch(`${hub!.apiUrl}/alerts`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('apiToken in .stocksentry/secrets.json');
    const listed = await fetch(`${hub!.apiUrl}/alerts?state=open`, { headers: { authorization: `Bearer ${apiToken}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { alerts: unknown[] }).alerts).toHaveLength(first.openAlerts.filter((a) => a.state === 'open').length);
  });

  it('lets `alerts list` with no flags find the running hub', async () => {
    const listed = await alertsCli('list', '--state-dir', stateDir);
    for (const a of first.openAlerts) expect(listed).toContain(a.fingerprint);
  });

  it('after a stop, opens the data folder for a command and gives it back', async () => {
    await hub!.stop();
    hub = undefined;
    expect(existsSync(statePaths(stateDir).hub)).toBe(false);
    expect(existsSync(statePaths(stateDir).lock)).toBe(false);
    const listed = await alertsCli('list', '--state-dir', stateDir);
    for (const a of first.openAlerts) expect(listed).toContain(a.fingerprint);
    expect(existsSync(statePaths(stateDir).lock)).toBe(false);
  }, 120_000);

  it('continues where it stopped: same alerts still open, same requests and revisions, syncs from their checkpoints', async () => {
    // A hub that died without cleaning up left its lock and hub.json behind: a process id that no longer runs.
    const dead = spawnSync('true').pid;
    writeFileSync(statePaths(stateDir).lock, JSON.stringify({ pid: dead, command: 'stocksentry start', startedAt: '2026-01-01T00:00:00Z' }));
    hub = await start();
    const second = await hub.runOnce();
    const byFingerprint = (r: RunReport) => Object.fromEntries(r.openAlerts.map((a) => [a.fingerprint, [a.state, a.openedAt]]));
    expect(byFingerprint(second)).toEqual(byFingerprint(first));
    const revisions = (r: RunReport) => Object.fromEntries(r.requests.map((q) => [q.idempotencyKey, q.revision]));
    expect(revisions(second)).toEqual(revisions(first));
    const positions = (r: RunReport) => r.syncs.find((s) => s.connector === 'shop')!.streams.find((s) => s.name === 'positions')!;
    expect(positions(first).fromStart).toBe(true);
    expect(positions(second)).toMatchObject({ fromStart: false, written: 0 });
    // Nothing changed, so nothing new went out, into a folder of its own; the first run's messages are still there.
    expect(second.notifications.notifications).toBe(0);
    expect(hub.outboxDir).not.toBe(firstOutbox);
    expect(readdirSync(firstOutbox).some((f) => f.endsWith('.eml'))).toBe(true);
  }, 240_000);

  it('acts on a link from a message the first run sent', async () => {
    const email = readdirSync(firstOutbox).filter((f) => f.endsWith('.eml')).map((f) => decodeQuotedPrintable(readFileSync(path.join(firstOutbox, f), 'utf8')))[0]!;
    const link = /Acknowledge: (http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_-]+)/.exec(email)![1]!;
    expect(link.startsWith(hub!.apiUrl)).toBe(true);
    const acted = await fetch(link, { method: 'POST' });
    expect(acted.status).toBe(200);
    expect(await acted.text()).toContain('Acknowledge');
    expect(await alertsCli('list', '--state', 'acknowledged', '--state-dir', stateDir)).toMatch(/acknowledged/);
  });

  it('reset refuses while the hub runs, then starts over with --yes', async () => {
    const out: string[] = [];
    const reset = (...args: string[]) => cli((p) => registerReset(p, async () => 'n', (t) => out.push(t)), 'reset', '--state-dir', stateDir, ...args);
    await expect(reset('--yes')).rejects.toThrow(/in use by stocksentry start/);
    await hub!.stop();
    hub = undefined;
    await reset();
    expect(out.pop()).toBe('Nothing deleted.');
    expect(existsSync(stateDir)).toBe(true);
    await reset('--yes');
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(firstOutbox)).toBe(true);
  });
});
