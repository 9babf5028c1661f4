// Builds the hub stack for one config and stage: the code infra/app.ts and tests/infra share.
import { type App, AspectPriority, Aspects } from 'aws-cdk-lib';
import type { HubConfig } from '../../shared/config.js';
import { ExplicitKmsActions } from './explicit-actions.js';
import { HubStack } from './hub-stack.js';
import { resolveStage } from './stage.js';

/** The stack for `config`, staged by `-c stage=` (else config.stage) with `-c stages=` overrides; named `<name>-<stage>`. */
export function createHubStack(app: App, config: HubConfig): HubStack {
  const stage = resolveStage(config, { stage: app.node.tryGetContext('stage'), stages: app.node.tryGetContext('stages') });
  const stack = new HubStack(app, `${config.name}-${stage.name}`, {
    config,
    stage,
    description: `StockSentry inventory early-warning hub (${stage.name})`,
    // Env-agnostic offline; pinned to the CLI's account/region when it has credentials (cdk deploy).
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Aspects.of(stack).add(new ExplicitKmsActions(), { priority: AspectPriority.MUTATING });
  return stack;
}
