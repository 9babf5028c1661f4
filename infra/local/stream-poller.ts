// Reads the table's real DynamoDB stream on DynamoDB Local and invokes a stream handler the way Lambda's
// event source mapping does: batches, partial batch failures retried from the failed record, then dead-lettered.
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand,
  ExpiredIteratorException, TrimmedDataAccessException, type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { shardOf } from '../../shared/shard.js';

/** The stack's filter criteria: only position items wake the evaluator. */
export const positionRecords = (record: DynamoDBRecord): boolean => record.dynamodb?.NewImage?.entity?.S === 'position';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  batchSize?: number;
  /**
   * Batches of one shard handled at once (like parallelizationFactor): records are split by item key into this many
   * lanes, so one item's records still arrive in order. Default 1.
   */
  parallelization?: number;
  /** Which records reach the handler (like the mapping's filter criteria); the others are passed over. Default: all. */
  filter?: (record: DynamoDBRecord) => boolean;
  /** Retries of a failing batch before its failed records go to `onDeadLetter` (like maximumRetryAttempts). */
  maxRetries?: number;
  onDeadLetter: (records: DynamoDBRecord[], reason: string) => Promise<void>;
  /** The last sequence number handled per shard, kept across restarts (like an event source mapping's position). */
  positions?: { load(): Record<string, string>; save(positions: Record<string, string>): void };
}

export interface PollStats { batches: number; records: number; deadLettered: number }

export class StreamPoller {
  private readonly iterators = new Map<string, string | undefined>();
  private readonly finished = new Set<string>();
  private readonly positions: Record<string, string>;
  readonly stats: PollStats = { batches: 0, records: 0, deadLettered: 0 };

  constructor(private readonly options: StreamPollerOptions) {
    this.positions = options.positions?.load() ?? {};
  }

  /** Reads until every shard is caught up; returns the number of records handed to the handler. */
  async drain(): Promise<number> {
    const before = this.stats.records;
    for (let idle = 0; idle < 2;) {
      const got = await this.pollOnce();
      idle = got === 0 ? idle + 1 : 0;
    }
    return this.stats.records - before;
  }

  /** One pass over all open shards, read and handled at once (as Lambda polls each shard on its own); returns the records read. */
  async pollOnce(): Promise<number> {
    await this.discoverShards();
    const counts = await Promise.all([...this.iterators].map(([shardId, iterator]) => (iterator && !this.finished.has(shardId) ? this.pollShard(shardId, iterator) : 0)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Reads a shard until it has a full batch for every lane (as Lambda's batching window fills batches) or is caught
   * up, then hands the batches over, each lane's in order.
   */
  private async pollShard(shardId: string, iterator: string): Promise<number> {
    const size = this.options.batchSize ?? 100;
    const records: DynamoDBRecord[] = [];
    const wanted: DynamoDBRecord[] = [];
    for (let next: string | undefined = iterator; next && wanted.length < size * (this.options.parallelization ?? 1);) {
      let out;
      try {
        out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: next, Limit: 1000 }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException) { this.iterators.delete(shardId); break; }
        throw error;
      }
      next = out.NextShardIterator;
      this.iterators.set(shardId, next);
      if (!next) this.finished.add(shardId);
      const got = (out.Records ?? []).map((r) => this.toLambdaRecord(r));
      records.push(...got);
      wanted.push(...(this.options.filter ? got.filter(this.options.filter) : got));
      if (got.length === 0) break;
    }
    await Promise.all(lanes(wanted, this.options.parallelization ?? 1).map(async (lane) => {
      for (let i = 0; i < lane.length; i += size) await this.deliver(lane.slice(i, i + size));
    }));
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      this.positions[shardId] = last;
      this.options.positions?.save(this.positions);
    }
    return records.length;
  }

  private async deliver(batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      this.stats.batches++;
      let failedFrom: number;
      let reason = 'reported as a batch item failure';
      try {
        const response = await this.options.handler({ Records: pending });
        const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      } catch (error) {
        failedFrom = 0;
        reason = `handler threw: ${(error as Error).message}`;
      }
      this.stats.records += failedFrom < 0 ? pending.length : failedFrom;
      if (failedFrom < 0) return;
      pending = pending.slice(failedFrom);
      if (attempt >= (this.options.maxRetries ?? 2)) {
        // Like bisect-on-error exhaustion: the first failing record goes to the DLQ, the rest are retried.
        await this.options.onDeadLetter(pending.slice(0, 1), reason);
        this.stats.deadLettered++;
        pending = pending.slice(1);
        attempt = -1;
      }
    }
  }

  private async discoverShards(): Promise<void> {
    const out = await this.options.client.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (this.iterators.has(shardId) || this.finished.has(shardId)) continue;
      this.iterators.set(shardId, await this.iteratorFor(shardId));
    }
  }

  /** After the last record handled before a restart; from the oldest record when there is none (or it was trimmed). */
  private async iteratorFor(shardId: string): Promise<string | undefined> {
    const after = this.positions[shardId];
    const request = { StreamArn: this.options.streamArn, ShardId: shardId };
    if (after) {
      try {
        const it = await this.options.client.send(new GetShardIteratorCommand({ ...request, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }));
        return it.ShardIterator;
      } catch (error) {
        if (!(error instanceof TrimmedDataAccessException)) throw error;
      }
    }
    return (await this.options.client.send(new GetShardIteratorCommand({ ...request, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  }

  private toLambdaRecord(record: _Record): DynamoDBRecord {
    return { ...(record as unknown as DynamoDBRecord), eventSourceARN: this.options.streamArn };
  }
}

/** Records split into `n` lanes by item key, each lane in stream order. */
function lanes(records: DynamoDBRecord[], n: number): DynamoDBRecord[][] {
  if (n <= 1) return [records];
  const out = Array.from({ length: n }, (): DynamoDBRecord[] => []);
  for (const r of records) out[shardOf(JSON.stringify(r.dynamodb?.Keys ?? {}), n)]!.push(r);
  return out.filter((l) => l.length > 0);
}
