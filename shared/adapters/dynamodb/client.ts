// The DynamoDB clients and table creation from the one table definition.
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig, waitUntilTableExists, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_INDEXES, TABLE_KEYS, TABLE_STREAM_VIEW } from '../../storage/table.js';

export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** Creates the hub table as the CDK stack defines it (used by the local runtime and tests). Returns the stream ARN. */
export async function createHubTable(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  const attrs = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...TABLE_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])]);
  try {
    const out = await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [...attrs].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_STREAM_VIEW },
    }));
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    return out.TableDescription?.LatestStreamArn;
  } catch (error) {
    if (error instanceof ResourceInUseException) return undefined;
    throw error;
  }
}
