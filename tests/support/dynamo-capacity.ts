// Counts the request units of every call a client makes, by operation and by what the call wrote (the entities of its
// items): what docs/cost.md prices. Reads and single writes count what DynamoDB reports (ReturnConsumedCapacity);
// transactions are counted from their items' sizes (2 units per KB of each item, as DynamoDB bills them), because
// DynamoDB Local reports about 2 units per transaction whatever it holds.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export interface CapacityStats {
  /** Units by `<operation> <entities>` (e.g. `TransactWriteItems positionHealth`, `Scan`). */
  units: Record<string, number>;
  reset(): void;
}

type Input = Record<string, unknown>;

/** The entities a write call's items declare (Put items carry `entity`; an update names its key's kind). */
function entities(op: string, input: Input): string {
  const found = new Set<string>();
  const item = (i: unknown, key?: unknown) => {
    // Marshalled ({ S: ... }) or not, depending on where in the stack the document client converts it.
    const raw = (i as { entity?: unknown } | undefined)?.entity;
    const entity = typeof raw === 'object' && raw !== null ? (raw as { S?: unknown }).S : raw;
    if (typeof entity === 'string') found.add(entity);
    else if (key) {
      const sk = (key as { sk?: unknown }).sk;
      found.add(String(typeof sk === 'object' && sk !== null ? (sk as { S?: unknown }).S : sk).split('#')[0] || '?');
    }
  };
  if (op === 'PutItem') item(input.Item);
  if (op === 'UpdateItem' || op === 'DeleteItem') item(undefined, input.Key);
  if (op === 'TransactWriteItems') {
    for (const t of input.TransactItems as Input[]) {
      const w = (t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck) as Input;
      item(w.Item, w.Key);
    }
  }
  if (op === 'BatchWriteItem') {
    for (const rows of Object.values(input.RequestItems as Record<string, Input[]>)) {
      for (const r of rows) item((r.PutRequest as Input | undefined)?.Item, (r.DeleteRequest as Input | undefined)?.Key);
    }
  }
  return [...found].sort().join('+');
}

const TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);
const marshalled = (item: Input): boolean =>
  Object.values(item).every((v) => typeof v === 'object' && v !== null && Object.keys(v).length === 1 && TYPES.has(Object.keys(v)[0]!));

/** DynamoDB's item size, near enough: names and values in bytes, numbers about one byte per two digits. */
function valueSize(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number') return Math.ceil(String(v).replace(/[-.]/g, '').length / 2) + 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((s: number, x) => s + 1 + valueSize(x), 0);
  if (v instanceof Set) return [...v].reduce((s: number, x) => s + valueSize(x), 0);
  if (typeof v === 'object' && v !== null) return 3 + Object.entries(v).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + valueSize(x), 0);
  return 1;
}

export function itemSize(item: Input): number {
  const plain = marshalled(item) ? unmarshall(item as Record<string, AttributeValue>) : item;
  return Object.entries(plain).reduce((s, [k, x]) => s + Buffer.byteLength(k) + valueSize(x), 0);
}

/** What DynamoDB bills a transaction: 2 units per KB of each item written (a key-only action as one KB). */
function transactionUnits(input: Input): number {
  return (input.TransactItems as Input[]).reduce((s, t) => {
    const w = (t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck) as Input;
    return s + 2 * Math.max(1, Math.ceil(itemSize((w.Item ?? w.Key) as Input) / 1024));
  }, 0);
}

const CAPACITY_OPS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem', 'TransactGetItems']);

export function countCapacity(doc: Pick<DynamoDBDocumentClient, 'middlewareStack'>): CapacityStats {
  const stats: CapacityStats = { units: {}, reset: () => { stats.units = {}; } };
  doc.middlewareStack.add((next, context) => async (args) => {
    const op = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
    if (!CAPACITY_OPS.has(op)) return next(args);
    const input = args.input as Input;
    input.ReturnConsumedCapacity = 'TOTAL';
    const label = `${op}${entities(op, input) ? ` ${entities(op, input)}` : ''}`;
    const out = await next(args);
    const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
    const units = op === 'TransactWriteItems' ? transactionUnits(input) : [consumed ?? []].flat().reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    stats.units[label] = (stats.units[label] ?? 0) + units;
    return out;
  }, { step: 'initialize', name: 'testCapacityStats' });
  return stats;
}
