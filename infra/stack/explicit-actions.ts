// Rewrites the KMS wildcard actions CDK's grant helpers emit into the exact actions, so no policy carries a `*` action.
import { CfnResource, type IAspect, Lazy, type IResolveContext } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** The wildcard actions aws-cdk-lib's KMS grants use, and the actions they stand for. */
export const WILDCARD_EXPANSIONS: Readonly<Record<string, readonly string[]>> = {
  'kms:GenerateDataKey*': ['kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
  'kms:ReEncrypt*': ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
};

type Json = Record<string, unknown>;

const expandActions = (actions: unknown): unknown => {
  if (typeof actions === 'string') return WILDCARD_EXPANSIONS[actions] ? [...WILDCARD_EXPANSIONS[actions]] : actions;
  if (!Array.isArray(actions)) return actions;
  return [...new Set(actions.flatMap((a) => (typeof a === 'string' && WILDCARD_EXPANSIONS[a] ? WILDCARD_EXPANSIONS[a] : [a])))];
};

export function expandPolicyDocument(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as Json).Statement)) return doc;
  const statements = (doc as { Statement: Json[] }).Statement.map((s) => ('Action' in s ? { ...s, Action: expandActions(s.Action) } : s));
  return { ...(doc as Json), Statement: statements };
}

const explicit = (doc: unknown) => Lazy.uncachedAny({ produce: (ctx: IResolveContext) => expandPolicyDocument(ctx.resolve(doc)) });

export class ExplicitKmsActions implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) return;
    if (node instanceof iam.CfnPolicy) node.policyDocument = explicit(node.policyDocument);
    else if (node instanceof iam.CfnManagedPolicy) node.policyDocument = explicit(node.policyDocument);
    else if (node instanceof kms.CfnKey) node.keyPolicy = explicit(node.keyPolicy);
    else if (node instanceof sqs.CfnQueuePolicy) node.policyDocument = explicit(node.policyDocument);
    else if (node instanceof sns.CfnTopicPolicy) node.policyDocument = explicit(node.policyDocument);
  }
}
