import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../infra/local/dynamodb.js';

const path = process.env.PATH;
const javaOptions = process.env.JAVA_TOOL_OPTIONS;
afterEach(() => {
  process.env.PATH = path;
  if (javaOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS; else process.env.JAVA_TOOL_OPTIONS = javaOptions;
});

/** The JAVA_TOOL_OPTIONS the JVM was started with (Linux: its environment in /proc). */
const jvmOptions = (pid: number): string | undefined =>
  readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('JAVA_TOOL_OPTIONS='))?.slice('JAVA_TOOL_OPTIONS='.length);

describe('starting DynamoDB Local', () => {
  it('names the fix when the port is taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      await expect(startLocalDynamo({ port })).rejects.toMatchObject({ code: 'PORT_IN_USE', message: expect.stringContaining('--dynamo-port') });
    } finally {
      server.close();
    }
  });

  it('names the fix when Java is missing', async () => {
    process.env.PATH = '/nonexistent';
    await expect(startLocalDynamo()).rejects.toMatchObject({ code: 'JAVA_MISSING', message: expect.stringContaining('Java 17') });
  });

  it('runs the JVM on the throughput collector, keeps the caller\'s options, and yields to a collector the caller chose', async () => {
    process.env.JAVA_TOOL_OPTIONS = '-Xss2m';
    const ours = await startLocalDynamo();
    try {
      expect(jvmOptions(ours.pid)).toBe('-Xss2m -XX:+UseParallelGC');
      expect(process.env.JAVA_TOOL_OPTIONS).toBe('-Xss2m');
    } finally {
      await ours.stop();
    }
    process.env.JAVA_TOOL_OPTIONS = '-XX:+UseSerialGC';
    const theirs = await startLocalDynamo();
    try {
      expect(jvmOptions(theirs.pid)).toBe('-XX:+UseSerialGC');
    } finally {
      await theirs.stop();
    }
  });
});
