// csv: files in a folder (positions.csv, sales.csv, items.csv, …), one row per record, headers name the columns.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, record, streamName, type ConnectorContext, type ReadMessage, type StreamName } from '../sdk/contract.js';
import { groupInbound, type InboundSourceLine } from '../sdk/mapping.js';

export const CSV_FILES: Record<StreamName, string> = {
  positions: 'positions.csv',
  sales: 'sales.csv',
  items: 'items.csv',
  locations: 'locations.csv',
  suppliers: 'suppliers.csv',
  purchaseOrders: 'purchase-orders.csv',
};

export const csvOptions = baseOptions.extend({
  streams: z.array(streamName).optional(),
  /** File name per stream, relative to the endpoint folder. */
  files: z.partialRecord(streamName, z.string().min(1)).default({}),
  delimiter: z.string().length(1).default(','),
  /** Canonical field → column header, for files whose headers differ. */
  columns: z.record(z.string(), z.string()).default({}),
  /** Rows between checkpoints. */
  checkpointEvery: z.number().int().positive().default(1000),
});
export type CsvOptions = z.infer<typeof csvOptions>;

const BOOLEAN_FIELDS = new Set(['outOfStock']);

/** RFC 4180 rows: quoted fields may hold the delimiter, doubled quotes and newlines. Yields [row, lineNumber]. */
export async function* parseCsv(file: string, delimiter = ','): AsyncGenerator<[string[], number]> {
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let pendingQuote = false;
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    for (const ch of chunk as string) {
      if (quoted) {
        if (pendingQuote) {
          pendingQuote = false;
          if (ch === '"') { field += '"'; continue; }
          quoted = false;
        } else if (ch === '"') { pendingQuote = true; continue; } else {
          if (ch === '\n') line++;
          field += ch;
          continue;
        }
      }
      if (ch === '"' && field === '') quoted = true;
      else if (ch === delimiter) { row.push(field); field = ''; } else if (ch === '\n') {
        row.push(field.replace(/\r$/, ''));
        if (row.length > 1 || row[0] !== '') yield [row, rowLine];
        row = []; field = ''; line++; rowLine = line;
      } else field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field.replace(/\r$/, ''));
    yield [row, rowLine];
  }
}

const cursorSchema = z.object({ mtimeMs: z.number(), size: z.number(), row: z.number().optional() });

function fileOf(ctx: ConnectorContext<CsvOptions>, stream: StreamName): string {
  return path.resolve(ctx.endpoint, ctx.options.files[stream] ?? CSV_FILES[stream]);
}

async function* rows(ctx: ConnectorContext<CsvOptions>, file: string, skip: number): AsyncGenerator<{ raw: Record<string, string>; row: number; line: number }> {
  let headers: string[] | undefined;
  let n = 0;
  const byColumn = Object.fromEntries(Object.entries(ctx.options.columns).map(([canonical, column]) => [column, canonical]));
  for await (const [cells, line] of parseCsv(file, ctx.options.delimiter)) {
    if (!headers) {
      headers = cells.map((h) => byColumn[h.trim()] ?? h.trim());
      continue;
    }
    n++;
    if (n <= skip) continue;
    const raw: Record<string, string> = {};
    headers.forEach((h, i) => { raw[h] = cells[i] ?? ''; });
    yield { raw, row: n, line };
  }
}

/** Cells to a candidate record: empty cells are absent, booleans parsed; numbers stay strings for the SDK to normalise. */
function toCandidate(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const value = v.trim();
    if (value === '') continue;
    out[k] = BOOLEAN_FIELDS.has(k) ? /^(true|1|yes)$/i.test(value) : value;
  }
  return out;
}

/** Non-empty lines in a file, read as a stream (no file is held in memory). */
async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) {
      if (byte === 0x0a && last !== 0x0a) lines++;
      last = byte;
    }
  }
  return last === 0x0a ? lines : lines + 1;
}

async function* read(stream: StreamName, cursor: string | undefined, ctx: ConnectorContext<CsvOptions>): AsyncGenerator<ReadMessage> {
  const file = fileOf(ctx, stream);
  if (!existsSync(file)) return;
  const { mtimeMs, size } = statSync(file);
  const state = parseCursor(cursorSchema, cursor);
  const sameFile = state?.mtimeMs === mtimeMs && state.size === size;
  // A file read to the end and not touched since has nothing new.
  if (sameFile && state?.row === undefined && !ctx.full) return;
  const skip = sameFile && !ctx.full ? state?.row ?? 0 : 0;

  if (stream === 'purchaseOrders') {
    const lines: InboundSourceLine[] = [];
    for await (const { raw, line } of rows(ctx, file, 0)) {
      const candidate = toCandidate(raw) as unknown as InboundSourceLine;
      if (candidate.sku && candidate.locationId) lines.push(candidate);
      else yield mapRecord({ ...raw, _file: path.basename(file), _line: line }, () => { throw new Error(`line ${line}: purchase order line needs sku and locationId`); });
    }
    for (const position of groupInbound(lines)) yield record(position);
    return;
  }

  // The file tells how many rows are left (lines, less the header and the rows done): progress can show an ETA.
  const total = Math.max(0, (await countLines(file)) - 1 - skip);
  for await (const { raw, row, line } of rows(ctx, file, skip)) {
    yield record(toCandidate(raw), { ...raw, _file: path.basename(file), _line: line });
    if (row % ctx.options.checkpointEvery === 0) yield checkpoint({ mtimeMs, size, row }, total);
  }
  yield checkpoint({ mtimeMs, size });
}

export const csv = defineConnector<CsvOptions>({
  type: 'csv',
  spec: csvOptions,
  async check(ctx) {
    try {
      await access(ctx.endpoint);
    } catch {
      return { ok: false, reason: `Folder ${ctx.endpoint} does not exist or cannot be read; set endpoint to the folder holding the CSV files.` };
    }
    const present = new Set(await readdir(ctx.endpoint));
    const known = Object.entries(CSV_FILES).map(([s, f]) => ctx.options.files[s as StreamName] ?? f);
    if (!known.some((f) => present.has(f))) return { ok: false, reason: `Folder ${ctx.endpoint} holds none of ${known.join(', ')}.` };
    return { ok: true };
  },
  discover: () => (Object.keys(CSV_FILES) as StreamName[]).map((name) => ({ name, snapshot: name === 'purchaseOrders' })),
  read,
});
