// Per-stage settings: what differs between dev and prod (data retention, log retention, API throttles, tags).
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { ConfigError, formatPath, type HubConfig } from '../../shared/config.js';

const stageName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');

const retentionDays = z.number().int().refine((d) => Object.values(RetentionDays).includes(d),
  'expected a CloudWatch Logs retention in days (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)');

const throttle = z.object({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() });

/** What one stage may override (proposed as `stages: { <stage>: {...} }` in hub.config; read from `-c stages=...` until then). */
export const stageOverrides = z.object({
  /** Keep the table, key, queues and logs when the stack is deleted. */
  retainData: z.boolean().optional(),
  logRetentionDays: retentionDays.optional(),
  /** The hub.config receiver that gets operator alarms (DLQ depth, errors, delivery failures). */
  operatorReceiver: z.string().optional(),
  alertsApiThrottle: throttle.optional(),
  supplierAckThrottle: throttle.optional(),
  tags: z.record(z.string(), z.string()).optional(),
}).strict();
export type StageOverrides = z.infer<typeof stageOverrides>;

export interface StageSettings {
  name: string;
  retainData: boolean;
  logRetentionDays: RetentionDays;
  operatorReceiver: string;
  alertsApiThrottle: { rateLimit: number; burstLimit: number };
  supplierAckThrottle: { rateLimit: number; burstLimit: number };
  tags: Record<string, string>;
}

/** Stages whose data may be thrown away with the stack; every other stage keeps its data. */
const DISPOSABLE_STAGES = new Set(['dev', 'test']);

function defaultsFor(name: string): StageSettings {
  const disposable = DISPOSABLE_STAGES.has(name) || name.startsWith('dev-');
  return {
    name,
    retainData: !disposable,
    logRetentionDays: disposable ? RetentionDays.TWO_WEEKS : RetentionDays.ONE_YEAR,
    operatorReceiver: 'operator',
    alertsApiThrottle: { rateLimit: 20, burstLimit: 40 },
    supplierAckThrottle: { rateLimit: 10, burstLimit: 20 },
    tags: {},
  };
}

export interface StageInputs {
  /** `-c stage=prod`; wins over config.stage. */
  stage?: unknown;
  /** `-c stages='{"prod":{...}}'` (JSON string or object), keyed by stage name. */
  stages?: unknown;
}

/** Resolves the stage name and its settings; a wrong value stops synth with its path. */
export function resolveStage(config: HubConfig, inputs: StageInputs = {}): StageSettings {
  const name = stageName.safeParse(inputs.stage ?? config.stage);
  if (!name.success) {
    throw new ConfigError(name.error.issues.map((i) => ({ path: 'stage', message: i.message })), 'context "stage" (-c stage=...)');
  }
  const raw = typeof inputs.stages === 'string' ? parseJson(inputs.stages) : inputs.stages ?? {};
  const all = z.record(z.string(), stageOverrides).safeParse(raw);
  if (!all.success) {
    throw new ConfigError(all.error.issues.map((i) => ({ path: formatPath(['stages', ...i.path]), message: i.message })), 'context "stages" (-c stages=...)');
  }
  const overrides = all.data[name.data] ?? {};
  const defaults = defaultsFor(name.data);
  return {
    ...defaults,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
    tags: { ...defaults.tags, ...overrides.tags },
  } as StageSettings;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError([{ path: 'stages', message: 'expected a JSON object like {"prod":{"retainData":true}}' }], 'context "stages" (-c stages=...)');
  }
}
