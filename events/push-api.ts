// The push API as OpenAPI 3.1, built from the same zod schemas the receiver checks with; written to
// events/push-api.openapi.json by `npx tsx events/export-json-schema.ts`.
import { z } from 'zod';
import { batchAnswer, errorAnswer } from '../shared/push/batch.js';
import { MAX_BODY_BYTES } from '../shared/push/config.js';
import { movementFields } from '../shared/push/movements.js';
import { readingFields } from '../shared/push/readings.js';
import { SIGNATURE_HEADER } from '../shared/signing.js';

const schema = (s: z.ZodType) => {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string, description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const refusal = (description: string) => json('Error', description);

function batchPath(list: 'movements' | 'readings', item: string, what: string) {
  return {
    post: {
      operationId: `post${item}s`,
      summary: `Post a batch of ${what}`,
      description: `Signed with the source's secret (push.sources in hub.config). Each record is checked on its own: the good ones are applied, each bad one is listed with its fields (and kept in quarantine). Applying is idempotent: a record sent again is recognised by its id.`,
      security: [{ hubSignature: [] }],
      parameters: [{ name: 'source', in: 'path', required: true, description: 'The source\'s name in push.sources', schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: ref(`${item}Batch`) } } },
      responses: {
        202: json('BatchAnswer', 'Taken: `accepted` records will be applied; `rejected` lists the refused ones'),
        400: refusal('The body is not JSON, or not {"' + list + '": [...]}'),
        401: refusal('The signature is missing, wrong, too old, or the source unknown'),
        413: refusal(`More records than push.maxBatch, or a body over push.maxBodyBytes (at most ${MAX_BODY_BYTES} bytes): split the batch`),
        415: refusal('Not application/json'),
        422: json('BatchAnswer', 'Every record was refused'),
        503: refusal('Not queued (or, locally, not applied): send it again'),
      },
    },
  };
}

export function pushApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'StockSentry push API',
      version: '1',
      description: 'Stock movements (WMS, POS, RFID gateways), sensor readings and shop webhooks pushed to the hub. The base URL is the stack\'s PushApiUrl output on AWS, <hub address>/push locally. docs/connectors.md#push-sources tells how to point each system at it.',
    },
    servers: [{ url: '{pushApiUrl}', variables: { pushApiUrl: { default: 'http://127.0.0.1:8080/push', description: 'PushApiUrl of the deployed stack, or the local hub\'s /push' } } }],
    paths: {
      '/movements/{source}': batchPath('movements', 'Movement', 'stock movements'),
      '/readings/{source}': batchPath('readings', 'Reading', 'sensor readings'),
      '/webhooks/{connector}': {
        post: {
          operationId: 'postWebhook',
          summary: 'A Shopify or WooCommerce webhook delivery',
          description: 'Registered with `stocksentry connector webhooks <connector> register`. Verified with the platform\'s own signature (X-Shopify-Hmac-Sha256 with the app\'s client secret; X-WC-Webhook-Signature with the webhook secret from push.webhooks); the body is the platform\'s payload for the topic. WooCommerce\'s unsigned `webhook_id=<id>` ping is answered 200.',
          security: [{ shopifyHmac: [] }, { wooSignature: [] }],
          parameters: [{ name: 'connector', in: 'path', required: true, description: 'The connector\'s name in hub.config', schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            200: { description: 'Verified and taken', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string' }, deliveryId: { type: 'string' } } } } } },
            401: refusal('The signature does not match, or the connector takes no webhooks'),
            413: refusal('A body over push.maxBodyBytes'),
            503: refusal('Not queued: the platform retries'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        hubSignature: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADER, description: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with the source's secret; accepted within 5 minutes of t.` },
        shopifyHmac: { type: 'apiKey', in: 'header', name: 'X-Shopify-Hmac-Sha256', description: 'Base64 HMAC-SHA256 of the raw body with the Shopify app\'s client secret.' },
        wooSignature: { type: 'apiKey', in: 'header', name: 'X-WC-Webhook-Signature', description: 'Base64 HMAC-SHA256 of the raw body with the webhook\'s secret.' },
      },
      schemas: {
        Movement: schema(movementFields),
        MovementBatch: schema(z.object({ movements: z.array(movementFields) })),
        Reading: schema(readingFields),
        ReadingBatch: schema(z.object({ readings: z.array(readingFields) })),
        BatchAnswer: schema(batchAnswer),
        Error: schema(errorAnswer),
      },
    },
  };
}
