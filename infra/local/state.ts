// The local hub's state folder (.stocksentry/): DynamoDB Local's data, the secrets links and the API are signed with,
// the stream position, a lock so only one process opens the data at a time, and hub.json while a hub runs (how the
// CLI finds it).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const DEFAULT_STATE_DIR = '.stocksentry';

export class HubStateError extends Error {
  constructor(readonly code: 'STATE_BUSY' | 'STATE_INVALID', message: string) {
    super(message);
    this.name = 'HubStateError';
  }
}

/** What a running hub publishes in hub.json: enough for the CLI (and the console) to reach it. */
export const hubRecord = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  dynamoEndpoint: z.string(),
  tableName: z.string(),
  apiUrl: z.string(),
  /** The console's address once the hub serves one. */
  consoleUrl: z.string().optional(),
  outboxDir: z.string(),
  /** The config file the hub runs (relative to the working directory), or null for the demo. */
  config: z.string().nullable(),
  inMemory: z.boolean(),
});
export type HubRecord = z.infer<typeof hubRecord>;

/** What the data folder holds, kept after the hub stops so the CLI can open it. */
const dataRecord = z.object({ tableName: z.string(), config: z.string().nullable() });
export type DataRecord = z.infer<typeof dataRecord>;

const lockRecord = z.object({ pid: z.number().int(), command: z.string(), startedAt: z.string() });
type LockRecord = z.infer<typeof lockRecord>;

const secretsRecord = z.object({ linkSecret: z.string().min(32), apiToken: z.string().min(32) });
export type LocalSecrets = z.infer<typeof secretsRecord>;

export const statePaths = (dir: string) => ({
  dir,
  dynamoData: path.join(dir, 'dynamodb'),
  lock: path.join(dir, 'hub.lock'),
  hub: path.join(dir, 'hub.json'),
  data: path.join(dir, 'data.json'),
  secrets: path.join(dir, 'secrets.json'),
  stream: path.join(dir, 'stream.json'),
});

/** True while a process with this id exists (EPERM: it exists, it is just not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: a reader never sees half a file. */
function writeJson(file: string, value: unknown, mode = 0o644): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode });
  renameSync(temp, file);
}

export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export interface StateLock {
  release(): void;
}

const describeHolder = (dir: string, holder: LockRecord): string => {
  const running = readJson(statePaths(dir).hub, hubRecord);
  const api = running && running.pid === holder.pid ? `, API ${running.apiUrl}` : '';
  return `${holder.command} (pid ${holder.pid}, since ${holder.startedAt}${api})`;
};

/**
 * Takes the state folder for this process. A lock whose process is gone is stale and taken over; a live one is an
 * error naming who holds it. Released on `release()` or when the process exits.
 */
export function lockState(dir: string, command: string): StateLock {
  ensureStateDir(dir);
  const file = statePaths(dir).lock;
  const mine: LockRecord = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeFileSync(fd, `${JSON.stringify(mine)}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readJson(file, lockRecord);
      if (holder && processAlive(holder.pid) && attempt === 0) {
        throw new HubStateError('STATE_BUSY', `${path.relative(process.cwd(), dir) || dir} is in use by ${describeHolder(dir, holder)}. `
          + 'Stop that first (Ctrl-C where it runs), or give this one its own folder with --state-dir <dir>.');
      }
      if (attempt > 0) throw new HubStateError('STATE_BUSY', `${dir} was locked by another process while this one started; try again.`);
      // Left by a process that died without cleaning up: take it over, with its stale hub.json.
      unlinkSync(file);
      removeIfStale(statePaths(dir).hub);
    }
  }
  const release = () => {
    process.off('exit', release);
    if (readJson(file, lockRecord)?.pid === process.pid) unlinkSync(file);
  };
  process.on('exit', release);
  return { release };
}

function removeIfStale(hubFile: string): void {
  const record = readJson(hubFile, hubRecord);
  if (!record || !processAlive(record.pid)) {
    try { unlinkSync(hubFile); } catch { /* already gone */ }
  }
}

export function writeHubRecord(dir: string, record: HubRecord): void {
  writeJson(statePaths(dir).hub, record);
}

export function removeHubRecord(dir: string): void {
  const file = statePaths(dir).hub;
  if (readJson(file, hubRecord)?.pid === process.pid) unlinkSync(file);
}

/** The hub running from this folder, or undefined (none, or one that died: its pid is gone). */
export function runningHub(dir: string): HubRecord | undefined {
  const record = readJson(statePaths(dir).hub, hubRecord);
  return record && processAlive(record.pid) ? record : undefined;
}

export function writeDataRecord(dir: string, record: DataRecord): void {
  writeJson(statePaths(dir).data, record);
}

/** The table and config of the persistent data in this folder, or undefined when it holds none. */
export function dataRecordOf(dir: string): DataRecord | undefined {
  return existsSync(statePaths(dir).dynamoData) ? readJson(statePaths(dir).data, dataRecord) : undefined;
}

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * The ack-link signing secret and the local API's bearer token: made on first start, kept (mode 0600) so links
 * in messages already sent and the token a person copied keep working after a restart.
 */
export function localSecrets(dir: string): LocalSecrets {
  ensureStateDir(dir);
  const file = statePaths(dir).secrets;
  const existing = readJson(file, secretsRecord);
  if (existing) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  if (existsSync(file)) throw new HubStateError('STATE_INVALID', `${file} is not readable as the hub's secrets; delete it (links already sent stop working) and start again.`);
  const secrets = { linkSecret: newSecret(), apiToken: newSecret() };
  writeJson(file, secrets, 0o600);
  return secrets;
}

/** Fresh secrets for a hub that keeps no state (tests). */
export const ephemeralSecrets = (): LocalSecrets => ({ linkSecret: newSecret(), apiToken: newSecret() });

/** Where the stream poller got to, per shard, so a restart neither skips nor replays changes. */
export interface StreamPositions {
  load(): Record<string, string>;
  save(positions: Record<string, string>): void;
}

const streamRecord = z.object({ streamArn: z.string(), shards: z.record(z.string(), z.string()) });

export function fileStreamPositions(dir: string, streamArn: string): StreamPositions {
  const file = statePaths(dir).stream;
  return {
    // Positions of another stream (the table was recreated) mean nothing here.
    load: () => { const r = readJson(file, streamRecord); return r?.streamArn === streamArn ? r.shards : {}; },
    save: (shards) => writeJson(file, { streamArn, shards }),
  };
}

export const memoryStreamPositions = (): StreamPositions => {
  let shards: Record<string, string> = {};
  return { load: () => ({ ...shards }), save: (next) => { shards = { ...next }; } };
};
