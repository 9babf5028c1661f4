// Reads the table's real DynamoDB stream on DynamoDB Local and invokes a stream handler the way Lambda's
// event source mapping does: batches, partial batch failures retried from the failed record, then dead-lettered.
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand,
  ExpiredIteratorException, TrimmedDataAccessException, type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  batchSize?: number;
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

  /** One pass over all open shards. */
  async pollOnce(): Promise<number> {
    await this.discoverShards();
    let total = 0;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator || this.finished.has(shardId)) continue;
      let out;
      try {
        out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException) { this.iterators.delete(shardId); continue; }
        throw error;
      }
      this.iterators.set(shardId, out.NextShardIterator);
      if (!out.NextShardIterator) this.finished.add(shardId);
      const records = (out.Records ?? []).map((r) => this.toLambdaRecord(r));
      total += records.length;
      const size = this.options.batchSize ?? 100;
      for (let i = 0; i < records.length; i += size) await this.deliver(records.slice(i, i + size));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        this.positions[shardId] = last;
        this.options.positions?.save(this.positions);
      }
    }
    return total;
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
