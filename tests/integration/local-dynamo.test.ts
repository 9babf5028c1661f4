import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../infra/local/dynamodb.js';

const path = process.env.PATH;
afterEach(() => { process.env.PATH = path; });

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
});
