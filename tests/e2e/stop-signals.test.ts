// `npm start` as people stop it: SIGINT (Ctrl-C) or SIGTERM sent to npm or to the node process running the hub
// (`npm start` runs it straight, with no launcher between that could kill it before it has stopped in order). Each
// path must end DynamoDB Local (a JVM) and every other child, leaving nothing behind for init to adopt.
// A hub killed outright (SIGKILL) cannot clean up: its watchdog must still end the JVM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, descendants, parentOf, running, waitUntilGone } from '../support/processes.js';

const dirs: string[] = [];
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Launcher = 'npm' | 'node';

/**
 * Starts the hub in memory with a small demo; resolves once it serves (hub.json written, the JVM up, the first
 * cycle under way) or, with `waitFor: 'service'`, once the cycle is done and it waits on its schedules.
 */
async function startHub(launcher: Launcher, waitFor: 'serving' | 'service') {
  const dir = mkdtempSync(path.join(tmpdir(), 'stop-signals-'));
  dirs.push(dir);
  const args = ['--in-memory', '--state-dir', path.join(dir, 'state'), '--outbox', path.join(dir, 'outbox'), '--port', '0', '--demo-size', '4'];
  const child = launcher === 'npm'
    ? spawn('npm', ['start', '--silent', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['bin/stocksentry.js', 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hubFile = path.join(dir, 'state', 'hub.json');
  // Generous: on a busy machine a JVM alone can take a minute to start.
  const deadline = Date.now() + 240_000;
  const ready = () => (waitFor === 'service' ? output.includes('Ctrl-C to stop') : existsSync(hubFile));
  while (!ready()) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the hub did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const hub = JSON.parse(readFileSync(hubFile, 'utf8')) as { pid: number };
  // The launcher too: started as node, it is the hub itself.
  const tree = [child.pid!, ...descendants(child.pid!)];
  return { child, exited, hub, tree, hubFile, output: () => output };
}

const jvmOf = (tree: number[]) => tree.find((pid) => commandLine(pid).includes('DynamoDBLocal.jar'));

describe('stopping the local hub', () => {
  // Waiting on its schedules (the usual Ctrl-C) and in the middle of its first cycle.
  const cases: [string, Launcher, 'launcher' | 'hub', NodeJS.Signals, 'serving' | 'service'][] = [
    ['SIGTERM to npm while it waits', 'npm', 'launcher', 'SIGTERM', 'service'],
    ['SIGINT to npm while it waits', 'npm', 'launcher', 'SIGINT', 'service'],
    ['SIGINT to npm mid-cycle', 'npm', 'launcher', 'SIGINT', 'serving'],
    ['SIGTERM to node mid-cycle', 'node', 'hub', 'SIGTERM', 'serving'],
    ['SIGINT to node mid-cycle', 'node', 'hub', 'SIGINT', 'serving'],
    ['SIGINT to node while it waits', 'node', 'hub', 'SIGINT', 'service'],
  ];

  it.each(cases)('%s ends DynamoDB Local and every child, and removes hub.json', async (_name, launcher, target, signal, waitFor) => {
    const { child, exited, hub, tree, hubFile, output } = await startHub(launcher, waitFor);
    const jvm = jvmOf(tree);
    expect(jvm, `no DynamoDB Local among ${tree.map(commandLine).join(' | ')}`).toBeDefined();
    expect(tree).toContain(hub.pid);
    process.kill(target === 'launcher' ? child.pid! : hub.pid, signal);
    expect(await exited, output()).toBe(0);
    // Whatever is still running now has lost its parent: init adopted it.
    const left = await waitUntilGone(tree, 5_000);
    expect(left.map((pid) => `${pid} (parent ${parentOf(pid)}): ${commandLine(pid)}`)).toEqual([]);
    expect(existsSync(hubFile)).toBe(false);
  }, 300_000);

  it('a hub killed outright (SIGKILL) still takes DynamoDB Local with it', async () => {
    const { exited, hub, tree } = await startHub('node', 'serving');
    const jvm = jvmOf(tree)!;
    process.kill(hub.pid, 'SIGKILL');
    await exited;
    expect(await waitUntilGone([jvm], 10_000)).toEqual([]);
    expect(running(hub.pid)).toBe(false);
  }, 300_000);
});
