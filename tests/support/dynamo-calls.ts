// Counts every DynamoDB call a client makes (by operation, with the most and the time-averaged number in flight) and
// can add a fixed latency to each, as a network hop to DynamoDB on AWS would: for tests that bound calls and the bench.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CallStats {
  /** Calls by operation (GetItem, BatchGetItem, Query, Scan, PutItem, UpdateItem, TransactWriteItems, ...). */
  byOperation: Record<string, number>;
  /** Milliseconds spent in calls, by operation (with the added latency). */
  msByOperation: Record<string, number>;
  /** Items read, by operation (what GetItem and BatchGetItem returned, what Query and Scan examined). */
  itemsByOperation: Record<string, number>;
  /** Calls that came back with a failed condition or a cancelled transaction. */
  conditionFailures: number;
  /** Attempts the SDK repeated (throttling, transient errors) inside those calls. */
  retries: number;
  maxInFlight: number;
  total(): number;
  reads(): number;
  /** Average calls in flight while at least one was (time-weighted). */
  averageInFlight(): number;
  reset(): void;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/** Instruments `doc` (its middleware stack is shared with the client it wraps); `latencyMs` is added to every call. */
export function instrument(doc: Pick<DynamoDBDocumentClient, 'middlewareStack'>, options: { latencyMs?: number } = {}): CallStats {
  let inFlight = 0;
  let busyMs = 0;
  let weighted = 0;
  let changedAt = 0;
  const mark = (delta: number) => {
    const now = performance.now();
    if (inFlight > 0) { weighted += inFlight * (now - changedAt); busyMs += now - changedAt; }
    inFlight += delta;
    changedAt = now;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
  };
  const stats: CallStats = {
    byOperation: {}, msByOperation: {}, itemsByOperation: {}, conditionFailures: 0, retries: 0, maxInFlight: 0,
    total: () => Object.values(stats.byOperation).reduce((a, b) => a + b, 0),
    reads: () => Object.entries(stats.byOperation).filter(([op]) => READS.has(op)).reduce((a, [, n]) => a + n, 0),
    averageInFlight: () => (busyMs > 0 ? weighted / busyMs : 0),
    reset: () => { stats.byOperation = {}; stats.msByOperation = {}; stats.itemsByOperation = {}; stats.conditionFailures = 0; stats.retries = 0; stats.maxInFlight = inFlight; busyMs = 0; weighted = 0; },
  };
  doc.middlewareStack.add((next, context) => async (args) => {
    const op = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    mark(1);
    const started = performance.now();
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const out = await next(args);
      const items = itemsRead(out.output as ReadOutput);
      if (items !== undefined) stats.itemsByOperation[op] = (stats.itemsByOperation[op] ?? 0) + items;
      stats.retries += Math.max(0, ((out.output as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) - 1);
      return out;
    } catch (error) {
      stats.retries += Math.max(0, ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) - 1);
      const name = (error as Error).name;
      if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') stats.conditionFailures++;
      throw error;
    } finally {
      mark(-1);
      stats.msByOperation[op] = (stats.msByOperation[op] ?? 0) + performance.now() - started;
    }
  }, { step: 'build', name: 'testCallStats', priority: 'low' });
  return stats;
}

interface ReadOutput { Item?: unknown; Responses?: Record<string, unknown[]> | unknown[]; ScannedCount?: number }

function itemsRead(out: ReadOutput): number | undefined {
  if (out.ScannedCount !== undefined) return out.ScannedCount;
  if (Array.isArray(out.Responses)) return out.Responses.length;
  if (out.Responses) return Object.values(out.Responses).reduce((n, rows) => n + rows.length, 0);
  if ('Item' in out) return out.Item ? 1 : 0;
  return undefined;
}
