// A pushed batch checked record by record: one bad record is reported with its index and fields, the good ones go on.
import { z } from 'zod';
import { formatPath } from '../config-primitives.js';

export interface RecordError {
  /** 0-based position of the record in the batch. */
  index: number;
  /** The record's own id when it had one, to find it at the sender. */
  id?: string;
  errors: { path: string; message: string }[];
  raw: unknown;
}

export type BatchCheck<T> =
  | { ok: true; accepted: T[]; rejected: RecordError[] }
  /** The body is not a batch at all (not an object with the list). */
  | { ok: false; status: 400; message: string }
  /** More records than a batch may hold. */
  | { ok: false; status: 413; message: string };

/**
 * Checks `body[listKey]` record by record against `schema`; `idKey` names the field reported as the record's id.
 * Records past `max` refuse the whole batch (413), so a sender splits it instead of losing the tail.
 */
export function checkBatch<T>(body: unknown, listKey: string, schema: z.ZodType<T>, options: { max: number; idKey: string }): BatchCheck<T> {
  const list = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[listKey] : undefined;
  if (!Array.isArray(list)) return { ok: false, status: 400, message: `${listKey}: expected {"${listKey}": [ … ]}` };
  if (list.length > options.max) return { ok: false, status: 413, message: `${listKey}: ${list.length} records; a batch holds at most ${options.max}, split it` };
  const accepted: T[] = [];
  const rejected: RecordError[] = [];
  list.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) { accepted.push(parsed.data); return; }
    const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[options.idKey] : undefined;
    rejected.push({
      index, ...(typeof id === 'string' ? { id } : {}), raw,
      errors: parsed.error.issues.map((i) => ({ path: `${listKey}[${index}]${i.path.length ? `.${formatPath(i.path)}` : ''}`, message: i.message })),
    });
  });
  return { ok: true, accepted, rejected };
}

/** A timestamp more than this ahead of the hub's clock is refused: it would overrule every real count. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** What the push API answers a batch with: how many records were taken, and each refused one with its fields. */
export const batchAnswer = z.object({
  accepted: z.number().int().nonnegative(),
  rejected: z.array(z.object({
    index: z.number().int().nonnegative(),
    id: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).min(1),
  })),
});

/** The error body of every refusal: a code a program can test, a message a person can act on. */
export const errorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
