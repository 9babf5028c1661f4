// A fresh hub table on the run's DynamoDB Local, for one test file.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createHubTable } from '../../shared/adapters/dynamodb/client.js';
import { LOCAL_AWS } from '../../infra/local/dynamodb.js';

export interface TestTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  streamArn: string | undefined;
}

export async function createTestTable(): Promise<TestTable> {
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = `test-${randomUUID().slice(0, 8)}`;
  const streamArn = await createHubTable(client, tableName);
  return { endpoint, tableName, client, doc, streamArn };
}
