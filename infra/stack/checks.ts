// cdk-nag packs the hub must pass, and the one way this code base acknowledges a finding: one rule, one reason.
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The rule packs applied in infra/app.ts and in tests/infra. */
export const hubChecks = (scope: IConstruct): NagPack[] => [
  new AwsSolutionsChecks(scope, { verbose: true }),
  new ServerlessChecks(scope, { verbose: true }),
];

/** Acknowledges one finding (e.g. `AwsSolutions-IAM5[Resource::*]`) on a construct and everything under it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
