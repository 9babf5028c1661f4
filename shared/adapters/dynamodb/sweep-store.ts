// The sweep's bookkeeping in the hub table: per-segment checkpoints with the replenish decisions and stock-health sums
// of each page, and the size of the last run. Everything of a run expires two weeks later.
import { ConditionalCheckFailedException, DescribeTableCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScanKey, SegmentCheckpoint, SegmentPage, SweepDecision, SweepStore, SweepTotals } from '../../evaluation/sweep.js';
import { VECTOR_KEYS, type CellSums } from '../../health/model.js';
import { keys, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';
import { queryAll } from './client.js';
import type { DynamoEvaluationStore } from './evaluation-store.js';

const RUN_TTL_SECONDS = 14 * 86_400;
/** Items a position's partition holds besides its state (history, alert digest): the table-size estimate divides by it. */
const ITEMS_PER_POSITION = 3;

type Row = Record<string, unknown>;

/** A page's health sums, compactly: the field names once, then one row of numbers per cell (a page touches hundreds). */
const SUM_FIELDS = [...VECTOR_KEYS, 'fillDemand', 'fillLost'] as const;

function encodeSums(sums: readonly CellSums[]): string {
  return JSON.stringify({
    fields: SUM_FIELDS,
    cells: sums.map((s) => [s.locationId, s.category, ...VECTOR_KEYS.map((k) => s.vector[k] ?? 0), s.fill.demand, s.fill.lost]),
  });
}

function decodeSums(json: string): CellSums[] {
  const { fields, cells } = JSON.parse(json) as { fields: string[]; cells: [string, string, ...number[]][] };
  return cells.map(([locationId, category, ...values]) => {
    const at = (f: string) => values[fields.indexOf(f)] ?? 0;
    return { locationId, category, vector: Object.fromEntries(VECTOR_KEYS.map((k) => [k, at(k)])), fill: { demand: at('fillDemand'), lost: at('fillLost') } };
  });
}

export class DynamoSweepStore implements SweepStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly evaluation: DynamoEvaluationStore,
    private readonly now: () => Date = () => new Date()) {}

  scanSegment(segment: number, totalSegments: number, start?: ScanKey): Promise<SegmentPage> {
    return this.evaluation.scanSegment(segment, totalSegments, start);
  }

  async getCheckpoint(runId: string, segment: number): Promise<SegmentCheckpoint | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.sweepSegment(runId, segment), ConsistentRead: true }));
    return out.Item ? toCheckpoint(out.Item) : undefined;
  }

  async saveCheckpoint(checkpoint: SegmentCheckpoint, { decisions, health }: { decisions: readonly SweepDecision[]; health: readonly CellSums[] }): Promise<boolean> {
    const ttl = Math.floor(this.now().getTime() / 1000) + RUN_TTL_SECONDS;
    // Never behind what is stored: a worker that timed out but still runs must not undo its retry's progress.
    const put = {
      TableName: this.tableName,
      Item: { ...keys.sweepSegment(checkpoint.runId, checkpoint.segment), entity: 'sweepSegment', ...checkpoint, [TABLE_TTL_ATTRIBUTE]: ttl },
      ConditionExpression: 'attribute_not_exists(pk) OR pages < :pages', ExpressionAttributeValues: { ':pages': checkpoint.pages },
    };
    try {
      if (decisions.length === 0 && health.length === 0) {
        await this.doc.send(new PutCommand(put));
        return true;
      }
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.sweepDecisions(checkpoint.runId, checkpoint.segment, checkpoint.pages), entity: 'sweepDecisions',
                decisions: JSON.stringify(decisions), health: encodeSums(health), [TABLE_TTL_ATTRIBUTE]: ttl,
              },
            },
          },
          { Put: put },
        ],
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async listCheckpoints(runId: string): Promise<SegmentCheckpoint[]> {
    return (await this.query(runId, 'SEG#')).map(toCheckpoint);
  }

  async listPages(runId: string): Promise<{ decisions: SweepDecision[]; health: CellSums[] }> {
    const rows = await this.query(runId, 'DECISIONS#');
    return {
      decisions: rows.flatMap((r) => JSON.parse(String(r.decisions)) as SweepDecision[]),
      health: rows.flatMap((r) => (typeof r.health === 'string' ? decodeSums(r.health) : [])),
    };
  }

  async estimatePositions(): Promise<number> {
    const last = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.sweepLast() }));
    if (last.Item) return Number(last.Item.positions);
    const table = await this.doc.send(new DescribeTableCommand({ TableName: this.tableName }));
    return Math.ceil((table.Table?.ItemCount ?? 0) / ITEMS_PER_POSITION);
  }

  async saveLastSweep(last: { runId: string; positions: number; finishedAt: string; totals: SweepTotals }): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.sweepLast(), entity: 'sweepLast', ...last } }));
  }

  private query(runId: string, prefix: string): Promise<Row[]> {
    return queryAll(this.doc, {
      TableName: this.tableName, ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.sweepSegment(runId, 0).pk, ':prefix': prefix },
    });
  }
}

function toCheckpoint(row: Row): SegmentCheckpoint {
  return {
    runId: String(row.runId), segment: Number(row.segment), totalSegments: Number(row.totalSegments), pages: Number(row.pages),
    done: row.done === true, totals: row.totals as SweepTotals, ...(row.next ? { next: row.next as ScanKey } : {}),
  };
}
