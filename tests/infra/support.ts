// Builds the hub stack offline for tests: asset bundling skipped, the fixture config, any stage.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadHubConfig } from '../../config/load.js';
import type { HubConfig } from '../../shared/config.js';
import { createHubStack } from '../../infra/stack/hub-app.js';
import type { HubStack } from '../../infra/stack/hub-stack.js';

export const FIXTURE_CONFIG = 'tests/infra/fixtures/hub.config.ts';
/** A synth costs 2–10 s of CPU; on a shared 2-core machine it can take several times that. */
export const SYNTH_TIMEOUT_MS = 180_000;

export interface SynthesizedHub { app: App; stack: HubStack; template: Template }

/** `config` is a config file path, or an already validated config (for sections the hub.config schema does not hold yet). */
export async function synthHub(context: Record<string, unknown> = {}, config: string | HubConfig = FIXTURE_CONFIG): Promise<SynthesizedHub> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = createHubStack(app, typeof config === 'string' ? await loadHubConfig(config) : config);
  return { app, stack, template: Template.fromStack(stack) };
}

type Statement = { Effect: string; Action?: string | string[]; Resource?: unknown; Principal?: unknown; Condition?: unknown };

/** Every policy statement in the template: IAM policies, key policy, queue and topic policies, role trust policies. */
export function allStatements(template: Template): { logicalId: string; statement: Statement }[] {
  const out: { logicalId: string; statement: Statement }[] = [];
  const walk = (logicalId: string, node: unknown): void => {
    if (Array.isArray(node)) node.forEach((n) => walk(logicalId, n));
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.Statement)) for (const s of record.Statement as Statement[]) out.push({ logicalId, statement: s });
      else Object.values(record).forEach((v) => walk(logicalId, v));
    }
  };
  for (const [logicalId, resource] of Object.entries(template.toJSON().Resources as Record<string, unknown>)) walk(logicalId, resource);
  return out;
}

export const actionsOf = (s: Statement): string[] => (s.Action === undefined ? [] : ([] as string[]).concat(s.Action));
