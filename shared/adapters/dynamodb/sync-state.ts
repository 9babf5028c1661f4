// What a sync keeps beside its checkpoints so it reads the table only for what changed: each source's snapshot of a
// stream (a fingerprint per position key, in a few shard items in the connector's partition, plus deltas written at
// checkpoints) and the markers of positions pushes changed since a pull settled them.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapLimited } from '../../concurrency.js';
import { positionKey } from '../../model.js';
import { shardOf } from '../../shard.js';
import type { SnapshotEntry, StoredSnapshot, UnsettledPush } from '../../ports.js';
import { keys, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';
import { batchWriteRows, queryAll } from './client.js';

type Row = Record<string, unknown>;

/**
 * About 1 KB of entries per shard item (≈ 25 keys): a write is billed per KB, so rewriting the shards a few changed
 * keys fall in costs about one write unit per change, while a Query reads the shards by their total size (1 MB pages).
 */
const SHARD_BYTES = 900;
/** Entries per checkpoint delta item. */
const DELTA_ENTRIES = 2_000;
/** Marker partitions: pushes to many positions spread their writes over them. */
const PUSH_SHARDS = 4;
/** A marker no pull settles (a position only pushes report) expires; the full reconcile settles what is left. */
const PUSH_MARK_TTL_DAYS = 14;

const encode = (entries: readonly SnapshotEntry[]): string => JSON.stringify(entries.map((e) => [e.sku, e.locationId, e.fp]));
const decode = (text: unknown): SnapshotEntry[] =>
  (JSON.parse(String(text)) as [string, string, string][]).map(([sku, locationId, fp]) => ({ sku, locationId, fp }));

/** A partition's items under a sort-key prefix, strongly consistent. */
const queryPrefix = (doc: DynamoDBDocumentClient, tableName: string, pk: string, skPrefix: string): Promise<Row[]> => queryAll(doc, {
  TableName: tableName, ConsistentRead: true,
  KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ExpressionAttributeValues: { ':p': pk, ':s': skPrefix },
});

export async function getSnapshot(doc: DynamoDBDocumentClient, tableName: string, connector: string, stream: string, deltasOnly = false): Promise<StoredSnapshot | undefined> {
  const rows = await queryPrefix(doc, tableName, `CONNECTOR#${connector}`, `SNAPSHOT#${stream}#${deltasOnly ? 'D#' : ''}`);
  if (rows.length === 0 && !deltasOnly) return undefined;
  // A fold that stopped part way can leave shards of two layouts: the newer fold's win, and the deltas (deleted only
  // after a fold completes) restore what it had not written yet.
  const shardRows = rows.filter((r) => r.entity === 'sourceSnapshot').sort((a, b) => Number(a.generation) - Number(b.generation));
  const folded = new Map<string, SnapshotEntry>();
  for (const row of shardRows) {
    for (const e of decode(row.entries)) folded.set(positionKey(e.sku, e.locationId), e);
  }
  const deltas = rows.filter((r) => r.entity === 'sourceSnapshotDelta').sort((a, b) => Number(a.seq) - Number(b.seq));
  const entries = new Map(folded);
  for (const row of deltas) {
    for (const e of decode(row.entries)) entries.set(positionKey(e.sku, e.locationId), e);
  }
  const newest = shardRows.at(-1);
  return {
    entries, folded, shards: Number(newest?.shards ?? 0), generation: Number(newest?.generation ?? 0),
    shardItems: shardRows.map((r) => Number(r.shard)), deltas: deltas.map((r) => Number(r.seq)), ...(deltasOnly ? { partial: true } : {}),
  };
}

export async function appendSnapshot(doc: DynamoDBDocumentClient, tableName: string, connector: string, stream: string, seq: number, entries: readonly SnapshotEntry[]): Promise<number> {
  const rows: Row[] = [];
  for (let i = 0; i < entries.length; i += DELTA_ENTRIES) {
    rows.push({ ...keys.snapshotDelta(connector, stream, seq), entity: 'sourceSnapshotDelta', connector, stream, seq, entries: encode(entries.slice(i, i + DELTA_ENTRIES)) });
    seq++;
  }
  await batchWriteRows(doc, tableName, rows.map((put) => ({ put })));
  return seq;
}

/** Entries spread over `shards` items, each sorted by key so equal contents encode equally. */
function shardTexts(entries: ReadonlyMap<string, SnapshotEntry>, shards: number): string[] {
  const groups = Array.from({ length: shards }, () => [] as [string, SnapshotEntry][]);
  for (const [key, e] of entries) groups[shardOf(key, shards)]!.push([key, e]);
  return groups.map((g) => encode(g.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)));
}

export async function foldSnapshot(doc: DynamoDBDocumentClient, tableName: string, connector: string, stream: string, entries: ReadonlyMap<string, SnapshotEntry>,
  previous: StoredSnapshot | undefined, deltas: readonly number[], at: Date): Promise<StoredSnapshot> {
  let bytes = 0;
  for (const e of entries.values()) bytes += e.sku.length + e.locationId.length + e.fp.length + 12;
  // Powers of two, so a growing snapshot changes its layout (and rewrites every shard) rarely.
  let shards = 1;
  while (bytes / shards > SHARD_BYTES) shards *= 2;
  const generation = (previous?.generation ?? 0) + 1;
  const texts = shardTexts(entries, shards);
  const before = previous && previous.shards === shards ? shardTexts(previous.folded, shards) : [];
  const writes: Parameters<typeof batchWriteRows>[2] = [];
  // Highest first: a new layout's shards are all written before any overwrites an old one still holding their keys.
  for (let shard = shards - 1; shard >= 0; shard--) {
    if (texts[shard] === before[shard]) continue;
    writes.push({ put: { ...keys.snapshotShard(connector, stream, shard), entity: 'sourceSnapshot', connector, stream, shard, shards, generation, entries: texts[shard], updatedAt: at.toISOString() } });
  }
  const stale = (previous?.shardItems ?? []).filter((shard) => shard >= shards);
  for (const shard of stale) writes.push({ delete: keys.snapshotShard(connector, stream, shard) });
  await batchWriteRows(doc, tableName, writes);
  // Only after the shards hold what the deltas said: a fold that stops before here is repeated from the same deltas.
  await batchWriteRows(doc, tableName, deltas.map((seq) => ({ delete: keys.snapshotDelta(connector, stream, seq) })));
  const items = new Set([...(previous?.shardItems ?? []).filter((shard) => shard < shards), ...texts.keys()]);
  return { entries: new Map(entries), folded: new Map(entries), shards, generation, shardItems: [...items].sort((a, b) => a - b), deltas: [] };
}

/** Batches of markers written at once: a burst marks hundreds of positions before its changes can be written. */
const MARK_CONCURRENCY = 8;

/** Marks positions as changed by pushes, before the pushes are written (so a marker never lags its position). */
export async function markUnsettled(doc: DynamoDBDocumentClient, tableName: string, positions: readonly { sku: string; locationId: string }[], at: Date): Promise<void> {
  const ttl = Math.floor(at.getTime() / 1000) + PUSH_MARK_TTL_DAYS * 86_400;
  await batchWriteRows(doc, tableName, positions.map(({ sku, locationId }) => ({
    put: { ...keys.unsettledPush(shardOf(positionKey(sku, locationId), PUSH_SHARDS), sku, locationId), entity: 'unsettledPush', sku, locationId, token: randomUUID(), [TABLE_TTL_ATTRIBUTE]: ttl },
  })), MARK_CONCURRENCY);
}

export async function unsettledPushes(doc: DynamoDBDocumentClient, tableName: string): Promise<Map<string, UnsettledPush>> {
  const pages = await Promise.all(Array.from({ length: PUSH_SHARDS }, (_, shard) => queryPrefix(doc, tableName, `PUSHED#${shard}`, 'POS#')));
  return new Map(pages.flat().map((r) => [positionKey(String(r.sku), String(r.locationId)), { sku: String(r.sku), locationId: String(r.locationId), token: String(r.token) }]));
}

export async function settlePushes(doc: DynamoDBDocumentClient, tableName: string, marks: readonly UnsettledPush[]): Promise<void> {
  await mapLimited(marks, 16, async ({ sku, locationId, token }) => {
    try {
      await doc.send(new DeleteCommand({
        TableName: tableName, Key: keys.unsettledPush(shardOf(positionKey(sku, locationId), PUSH_SHARDS), sku, locationId),
        ConditionExpression: '#t = :t', ExpressionAttributeNames: { '#t': 'token' }, ExpressionAttributeValues: { ':t': token },
      }));
    } catch (error) {
      // Pushed again after this pull read the position: the next pull settles it.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  });
}
