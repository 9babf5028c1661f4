// One DynamoDB Local per test run; each test file creates its own table on it.
import type { TestProject } from 'vitest/node';
import { startLocalDynamo, type LocalDynamo } from '../../infra/local/dynamodb.js';

let dynamo: LocalDynamo | undefined;

export async function setup(project: TestProject): Promise<void> {
  dynamo = await startLocalDynamo();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
