// What the push receiver hands the applier (an SQS message on AWS, an in-process hand-over locally), and the registry
// of connectors whose webhooks the hub understands.
import { z } from 'zod';
import { isoDateTime } from '../../shared/model.js';
import type { AnyConnector } from '../sdk/contract.js';
import type { WebhookSupport } from '../sdk/webhooks.js';
import { shopifyWebhooks } from '../shopify/webhooks.js';
import { wooWebhooks } from '../woocommerce/webhooks.js';

const received = { receivedAt: isoDateTime };

export const pushEnvelope = z.discriminatedUnion('kind', [
  /** Movements a signed source posted (checked on receipt; checked again on apply, as everything from a queue). */
  z.object({ kind: z.literal('movements'), source: z.string().min(1), movements: z.array(z.unknown()), ...received }),
  z.object({ kind: z.literal('readings'), source: z.string().min(1), readings: z.array(z.unknown()), ...received }),
  /** One reading routed by the AWS IoT topic rule: the sensor id comes from the MQTT topic, not the device's payload. */
  z.object({ kind: z.literal('reading'), sensorId: z.string().min(1), metric: z.unknown(), value: z.unknown(), at: z.unknown(), sku: z.unknown().optional(), ...received }),
  /** A verified shop webhook: its topic, the platform's delivery id, and the payload trimmed to what mapping reads. */
  z.object({ kind: z.literal('webhook'), connector: z.string().min(1), topic: z.string().min(1), deliveryId: z.string(), payload: z.unknown(), ...received }),
  /** Records refused on receipt, kept in quarantine with their reasons. */
  z.object({ kind: z.literal('rejected'), source: z.string().min(1), stream: z.string().min(1), records: z.array(z.object({ reason: z.string(), raw: z.unknown() })), ...received }),
]);
export type PushEnvelope = z.infer<typeof pushEnvelope>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each platform's support is typed by its connector's options.
const WEBHOOKS: Record<string, WebhookSupport<any>> = { shopify: shopifyWebhooks, woocommerce: wooWebhooks };

/** The webhook support of a connector type, if the hub understands its platform's webhooks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see WEBHOOKS.
export const webhooksFor = (connector: AnyConnector | string): WebhookSupport<any> | undefined => WEBHOOKS[typeof connector === 'string' ? connector : connector.type];
