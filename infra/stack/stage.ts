// Per-stage settings: what differs between dev and prod (data retention, log retention, API throttles, tags).
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { ConfigError, formatPath, stageOverrides, type HubConfig, type StageOverrides } from '../../shared/config.js';

const stageName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lower-case letters, digits and dashes');

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
  /** `-c stages='{"prod":{...}}'` (JSON string or object), keyed by stage name; wins field by field over config.stages. */
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
  const fromConfig = config.stages[name.data] ?? {};
  const fromContext = all.data[name.data] ?? {};
  const receivers = config.receivers.map((r) => r.name);
  if (fromContext.operatorReceiver !== undefined && !receivers.includes(fromContext.operatorReceiver)) {
    throw new ConfigError([{ path: `stages.${name.data}.operatorReceiver`, message: `no receiver named "${fromContext.operatorReceiver}" in hub.config (known: ${receivers.join(', ') || 'none'})` }], 'context "stages" (-c stages=...)');
  }
  const defaults = defaultsFor(name.data);
  return {
    ...defaults,
    ...defined(fromConfig),
    ...defined(fromContext),
    tags: { ...defaults.tags, ...fromConfig.tags, ...fromContext.tags },
  } as StageSettings;
}

const defined = (overrides: StageOverrides) => Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError([{ path: 'stages', message: 'expected a JSON object like {"prod":{"retainData":true}}' }], 'context "stages" (-c stages=...)');
  }
}
