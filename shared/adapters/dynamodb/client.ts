// The DynamoDB clients and table creation from the one table definition.
import { CreateTableCommand, DynamoDBClient, type DynamoDBClientConfig, waitUntilTableExists, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { chunked, mapLimited } from '../../concurrency.js';
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

const LIMITED = Symbol('stocksentry.inFlight');

/**
 * Caps the calls a client has in flight at once (each command with its retries holds one slot): code may start
 * many reads and writes together, the client overlaps at most `limit` of them.
 */
export function limitInFlight<C extends { middlewareStack: DynamoDBDocumentClient['middlewareStack'] }>(client: C, limit: number): C {
  const marked = client as C & { [LIMITED]?: boolean };
  if (marked[LIMITED]) return client;
  marked[LIMITED] = true;
  let running = 0;
  const waiting: (() => void)[] = [];
  client.middlewareStack.add((next) => async (args) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await next(args);
    } finally {
      running--;
      waiting.shift()?.();
    }
  }, { step: 'initialize', name: 'stocksentryInFlightLimit', priority: 'high' });
  return client;
}

export const backoff = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** Every item a query matches, page after page. */
export async function queryAll(doc: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Row | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    rows.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

/** Reads items by key in batches of 100 (all batches at once), retrying unprocessed keys; keyed `pk|sk`. */
export async function batchGetRows(doc: DynamoDBDocumentClient, tableName: string, keyList: { pk: string; sk: string }[], consistent = true): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const unique = [...new Map(keyList.map((k) => [`${k.pk}|${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  await Promise.all(chunked(unique, 100).map(async (keys) => {
    let request: Record<string, { Keys: Row[]; ConsistentRead: boolean }> | undefined = { [tableName]: { Keys: keys, ConsistentRead: consistent } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const out = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const row of out.Responses?.[tableName] ?? []) found.set(`${String(row.pk)}|${String(row.sk)}`, row);
      request = out.UnprocessedKeys as typeof request;
    }
  }));
  return found;
}

/**
 * Puts and deletes in batches of 25, retrying unprocessed requests. By default one batch after another, for writers
 * whose order matters; `concurrency` sends that many at once where it does not.
 */
export async function batchWriteRows(doc: DynamoDBDocumentClient, tableName: string, writes: ({ put: Row } | { delete: { pk: string; sk: string } })[], concurrency = 1): Promise<void> {
  const requests = writes.map((w) => ('put' in w ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: w.delete } }));
  await mapLimited(chunked(requests, 25), concurrency, async (chunk) => {
    let request: Record<string, typeof chunk> | undefined = { [tableName]: chunk };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const out = await doc.send(new BatchWriteCommand({ RequestItems: request }));
      request = out.UnprocessedItems as typeof request;
    }
  });
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const TRANSACTION_ITEMS = 100;
/** Transactions stay well under DynamoDB's 4 MB request limit. */
const TRANSACTION_BYTES = 2_000_000;

/**
 * Writes units — lists of items that must land together — packing as many units as fit into each TransactWriteItems
 * call. A unit whose condition fails (or that collides with another transaction) is reported back by index and left
 * unwritten; the other units of its call are sent again without it.
 */
export async function transactUnits(doc: DynamoDBDocumentClient, units: readonly TransactItem[][], concurrency = 8): Promise<{ failed: number[] }> {
  const failed: number[] = [];
  const sizes = units.map((u) => JSON.stringify(u).length);
  const groups: number[][] = [];
  let group: number[] = [];
  let items = 0;
  let bytes = 0;
  units.forEach((unit, i) => {
    if (unit.length === 0) return;
    if (group.length > 0 && (items + unit.length > TRANSACTION_ITEMS || bytes + sizes[i]! > TRANSACTION_BYTES)) {
      groups.push(group);
      group = [];
      items = 0;
      bytes = 0;
    }
    group.push(i);
    items += unit.length;
    bytes += sizes[i]!;
  });
  if (group.length > 0) groups.push(group);
  await mapLimited(groups, concurrency, async (initial) => {
    let pending = initial;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: pending.flatMap((i) => units[i]!) }));
        return;
      } catch (error) {
        // DynamoDB may answer a transaction with a 500 (and DynamoDB Local does when its lock wait runs out); the
        // client's own retries can be used up by then, so the whole call is sent again a few times before giving up.
        if ((error as { name?: string }).name === 'InternalServerError' && attempt < 6) {
          await backoff(attempt + 2);
          continue;
        }
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons.length === 0 || attempt >= 8) throw error;
        const lost = new Set<number>();
        let offset = 0;
        for (const i of pending) {
          const codes = reasons.slice(offset, offset + units[i]!.length).map((r) => r.Code);
          if (codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) lost.add(i);
          else if (codes.some((c) => c && c !== 'None')) {
            // Throttled or validation: retried as a whole a few times, then surfaced.
            if (attempt >= 4) throw error;
          }
          offset += units[i]!.length;
        }
        for (const i of lost) failed.push(i);
        pending = pending.filter((i) => !lost.has(i));
        if (lost.size === 0) await backoff(attempt);
      }
    }
  });
  return { failed: failed.sort((a, b) => a - b) };
}
