// push-receive on AWS: what it accepts goes to SQS within SQS's limits; when SQS refuses, the sender is told to retry.
import { createHmac } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPushReceiveHandler } from '../../../functions/push-receive.js';
import { SqsPushSink } from '../../../shared/adapters/aws/sqs-push-sink.js';
import { parseHubConfig } from '../../../shared/config.js';

const NOW = new Date('2026-05-01T12:00:00Z');
const sqs = mockClient(SQSClient);
const sink = new SqsPushSink(new SQSClient({}), 'https://sqs.eu-west-1.amazonaws.com/1/push');
const config = parseHubConfig({ push: { sources: [{ name: 'wms', secret: { env: 'WMS' } }] } });
const handler = createPushReceiveHandler(async () => ({ config, credentials: async () => 'wms-secret', clock: { now: () => NOW }, enqueue: (e) => sink.send(e) }));

function event(movements: unknown[]): APIGatewayProxyEventV2 {
  const body = JSON.stringify({ movements });
  const t = Math.floor(NOW.getTime() / 1000);
  return {
    rawPath: '/push/movements/wms', body, isBase64Encoded: false,
    headers: { 'content-type': 'application/json', 'stocksentry-signature': `t=${t},v1=${createHmac('sha256', 'wms-secret').update(`${t}.${body}`).digest('hex')}` },
    requestContext: { http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
}
const movement = (i: number) => ({ eventId: `m-${i}`, type: 'sale', sku: 'A', locationId: 's', qty: 1, at: '2026-05-01T11:00:00Z' });

beforeEach(() => sqs.reset());

describe('push-receive', () => {
  it('queues the accepted movements and the refused records as two messages, and answers 202', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const res = await handler(event([movement(1), { ...movement(2), qty: 0 }]));
    expect(res.statusCode).toBe(202);
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
    expect(sent.map((m) => m.kind)).toEqual(['movements', 'rejected']);
    expect(sent[0].movements).toHaveLength(1);
  });

  it('answers 503 when SQS refuses a message, so the sender retries', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.ThrottlingException', SenderFault: false, Message: 'slow down' }] });
    const res = await handler(event([movement(1)]));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body as string).error.code).toBe('QUEUE_UNAVAILABLE');
  });

  it('never sends more than 10 messages or 256 KiB in one call', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const big = { kind: 'movements', source: 'wms', receivedAt: NOW.toISOString(), movements: [{ reason: 'x'.repeat(100_000) }] };
    await sink.send([...Array.from({ length: 12 }, () => ({ kind: 'readings', source: 'wms', receivedAt: NOW.toISOString(), readings: [] })), big, big, big]);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.every((entries) => entries.length <= 10 && entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0) <= 256 * 1024)).toBe(true);
    expect(calls.flat()).toHaveLength(15);
  });
});
