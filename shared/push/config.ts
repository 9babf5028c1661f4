// hub.config `push`: who may push (movement sources, shop webhooks, sensors), the storage conditions sensors watch,
// and the size bounds of what the hub accepts.
import { z } from 'zod';
import { severity } from '../model.js';
import { credentialRef } from '../config-primitives.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');
/** Sensor ids are MQTT topic segments on AWS IoT: no slashes, wildcards or spaces. */
const sensorId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected letters, digits and _ . : - (an MQTT topic segment)');

/** An SQS message holds 256 KiB; the envelope around a body needs a little of it. */
export const MAX_BODY_BYTES = 240 * 1024;

export const ENVIRONMENT_METRICS = ['temperature', 'humidity'] as const;
export const STOCK_METRICS = ['count', 'weight', 'rfid'] as const;
export const environmentMetric = z.enum(ENVIRONMENT_METRICS);
export type EnvironmentMetric = z.infer<typeof environmentMetric>;

/** Items by category or SKU; an empty selection selects nothing. */
const itemSelection = z.strictObject({
  categories: z.array(z.string().min(1)).optional(),
  skus: z.array(z.string().min(1)).optional(),
});
export type ItemSelection = z.infer<typeof itemSelection>;

export const sensorConfig = z.strictObject({
  id: sensorId,
  /** The hub location the sensor is in. */
  locationId: z.string().min(1),
  /** Environment sensors: the items stored where it measures (a fridge's vaccines). Omitted: every item at the location. */
  covers: itemSelection.optional(),
  /** Stock sensors (shelf count or weight, RFID reader): the SKU whose position at `locationId` they count. */
  sku: z.string().min(1).optional(),
  /** Shelf weight sensors: the weight of one unit, in the unit the sensor reports. */
  unitWeight: z.number().positive().optional(),
});
export type SensorConfig = z.infer<typeof sensorConfig>;

export const conditionRule = z.strictObject({
  name,
  metric: environmentMetric,
  /** The items this range applies to. A rule naming a SKU wins over one naming its category. */
  match: itemSelection,
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  /** How long readings must stay out of range before an alert opens. */
  forMinutes: z.number().nonnegative().default(10),
  /** Readings must come back this far inside the range before the alert resolves, so it does not flap at the edge. */
  hysteresis: z.number().nonnegative().default(0.5),
  severity: severity.default('critical'),
}).refine((r) => r.min !== undefined || r.max !== undefined, { message: 'a range needs min, max or both', path: ['max'] })
  .refine((r) => r.min === undefined || r.max === undefined || r.max - r.min > 2 * r.hysteresis, { message: 'max − min must be wider than twice the hysteresis', path: ['hysteresis'] });
export type ConditionRule = z.infer<typeof conditionRule>;

const signer = z.strictObject({
  name,
  /** The shared secret it signs with (stocksentry-signature: t=…,v1=…, as shared/signing.ts). */
  secret: credentialRef,
  /** The secret being rotated out: still accepted until removed. */
  previousSecret: credentialRef.optional(),
});

export const pushConfig = z.strictObject({
  /** Systems posting stock movements and sensor readings over HTTP (WMS, POS, RFID gateways, sensor hubs). */
  sources: z.array(signer).default([]),
  /** Shop connectors (shopify, woocommerce) whose webhooks the hub receives, and the secret the shop signs with. */
  webhooks: z.array(z.strictObject({ connector: z.string().min(1), secret: credentialRef })).default([]),
  sensors: z.array(sensorConfig).default([]),
  conditions: z.array(conditionRule).default([]),
  /** Most records one request may carry; larger batches are refused with 413. */
  maxBatch: z.number().int().min(1).max(1000).default(1000),
  /** Largest request body in bytes: what is accepted travels as one SQS message (256 KiB with its envelope). */
  maxBodyBytes: z.number().int().min(1024).max(MAX_BODY_BYTES).default(MAX_BODY_BYTES),
  /** Requests per second the push API accepts on AWS (API Gateway stage throttle). */
  throttle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() }).default({ rateLimit: 200, burstLimit: 400 }),
});
export type PushConfig = z.infer<typeof pushConfig>;
export type PushConfigInput = z.input<typeof pushConfig>;

/** Cross-references a push section must satisfy: known connectors of a webhook type, unique names, usable sensors. */
export function pushIssues(push: PushConfig, connectors: { name: string; type: string }[]): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const unique = (list: string[], path: (i: number) => (string | number)[], what: string) => list.forEach((v, i) => {
    if (list.indexOf(v) !== i) issues.push({ path: path(i), message: `duplicate ${what} "${v}"` });
  });
  unique(push.sources.map((s) => s.name), (i) => ['push', 'sources', i, 'name'], 'source name');
  unique(push.sensors.map((s) => s.id), (i) => ['push', 'sensors', i, 'id'], 'sensor id');
  unique(push.conditions.map((c) => c.name), (i) => ['push', 'conditions', i, 'name'], 'condition name');
  push.webhooks.forEach((w, i) => {
    const connector = connectors.find((c) => c.name === w.connector);
    if (!connector) issues.push({ path: ['push', 'webhooks', i, 'connector'], message: `no connector named "${w.connector}" (known: ${connectors.map((c) => c.name).join(', ') || 'none'})` });
    else if (!WEBHOOK_TYPES.includes(connector.type)) issues.push({ path: ['push', 'webhooks', i, 'connector'], message: `connector "${w.connector}" is ${connector.type}; webhooks are received from ${WEBHOOK_TYPES.join(' and ')}` });
  });
  push.sensors.forEach((s, i) => {
    if (s.unitWeight !== undefined && !s.sku) issues.push({ path: ['push', 'sensors', i, 'sku'], message: 'a weight sensor needs the sku it weighs' });
  });
  return issues;
}

/** Connector types whose webhooks the hub understands. */
export const WEBHOOK_TYPES = ['shopify', 'woocommerce'];
