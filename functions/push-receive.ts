// push-receive λ (API Gateway HTTP API, payload v2): checks who sent a push and what it holds, then enqueues it for
// push-apply. It has no access to the table; a burst waits in the queue.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { receivePush, type ReceiveDeps } from '../connectors/push/receive.js';
import { secretsManagerCredentials } from '../connectors/sdk/credentials.js';
import { SqsPushSink } from '../shared/adapters/aws/sqs-push-sink.js';
import { parseHubConfig } from '../shared/config.js';
import { systemClock } from '../shared/ports.js';
import { logger, metrics } from './observability.js';
import { requireEnv } from './services.js';

export interface PushReceiveDeps extends ReceiveDeps {
  /** Where accepted envelopes go: SQS on AWS. */
  enqueue(envelopes: readonly unknown[]): Promise<void>;
}

export function createPushReceiveHandler(deps: () => Promise<PushReceiveDeps>) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const d = await deps();
    const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
    const { response, envelopes } = await receivePush(d, { method: event.requestContext.http.method, path: event.rawPath, headers: event.headers, body });
    if (response.status >= 400) logger.warn('push refused', { path: event.rawPath, status: response.status, body: response.body });
    try {
      if (envelopes.length > 0) await d.enqueue(envelopes);
    } catch (error) {
      logger.error('push not enqueued', { path: event.rawPath, error: String(error) });
      return json(503, { error: { code: 'QUEUE_UNAVAILABLE', message: 'the push could not be queued; nothing was applied, retry later' } });
    }
    const accepted = typeof response.body.accepted === 'number' ? response.body.accepted : envelopes.filter((e) => e.kind === 'webhook').length;
    metrics.addMetric('PushAccepted', 'Count', accepted);
    return json(response.status, response.body);
  };
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let cached: Promise<PushReceiveDeps> | undefined;
/** HUB_CONFIG is inlined at bundle time; PUSH_QUEUE_URL is set by the stack. */
function awsDeps(): Promise<PushReceiveDeps> {
  cached ??= Promise.resolve().then(() => {
    const sink = new SqsPushSink(new SQSClient({}), requireEnv('PUSH_QUEUE_URL'));
    return {
      config: parseHubConfig(JSON.parse(requireEnv('HUB_CONFIG')), 'HUB_CONFIG'),
      credentials: secretsManagerCredentials(new SecretsManagerClient({})),
      clock: systemClock,
      enqueue: (envelopes) => sink.send(envelopes),
    };
  });
  return cached;
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(createPushReceiveHandler(awsDeps));
