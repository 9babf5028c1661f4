// The DynamoDB clients and table creation from the one table definition.
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig, waitUntilTableExists, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
        Projection: { ProjectionType: i.projection },
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

type Row = Record<string, unknown>;

/** Reads items by key in batches of 100 (strongly consistent), retrying unprocessed keys; keyed `pk|sk`. */
export async function batchGetRows(doc: DynamoDBDocumentClient, tableName: string, keyList: { pk: string; sk: string }[]): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const unique = [...new Map(keyList.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Row[]; ConsistentRead: boolean }> | undefined = { [tableName]: { Keys: unique.slice(i, i + 100), ConsistentRead: true } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const row of out.Responses?.[tableName] ?? []) found.set(`${String(row.pk)}|${String(row.sk)}`, row);
      request = out.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    }
  }
  return found;
}
