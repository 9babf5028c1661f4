// rest-json: any REST/JSON API, described by options: a URL path per stream, a field mapping and a paging style.
import { z } from 'zod';
import { baseOptions, checkpoint, defineConnector, mapRecord, parseCursor, record, streamName, type ConnectorContext, type ReadMessage, type StreamName } from '../sdk/contract.js';
import { TokenBucketLimiter, type HttpClientOptions } from '../sdk/http.js';
import { groupInbound, pick, utcInstant, type InboundSourceLine } from '../sdk/mapping.js';
import { keysetPages, linkHeaderPages, numberedPages, offsetPages, type Page } from '../sdk/paging.js';

const streamOptions = z.object({
  /** Path below the endpoint, e.g. /v1/stock. */
  path: z.string().startsWith('/'),
  /** Canonical field → dotted path in the source record; unmapped fields are read under their canonical name. */
  fields: z.record(z.string(), z.string()).default({}),
  /** Dotted path to the array of records in the response body; empty when the body is the array. */
  records: z.string().default('data'),
  /**
   * Incremental reads: send the watermark in `param` (inclusive), read it back from each record's `field`;
   * `idField` breaks ties between records changed in the same instant.
   */
  incremental: z.object({ param: z.string(), field: z.string(), idField: z.string().default('id') }).optional(),
  /** Extra query parameters sent with every request of this stream. */
  query: z.record(z.string(), z.string()).default({}),
});

/** How a JSON API pages its lists (shared with supplier-api). */
export const pagingOption = z.discriminatedUnion('style', [
  z.object({ style: z.literal('none') }),
  /** Follow Link: <…>; rel="next". */
  z.object({ style: z.literal('link'), sizeParam: z.string().default('limit'), pageSize: z.number().int().positive().default(100) }),
  /** page=N with a total-pages header. */
  z.object({ style: z.literal('page'), pageParam: z.string().default('page'), sizeParam: z.string().default('per_page'), pageSize: z.number().int().positive().default(100), totalPagesHeader: z.string().default('x-total-pages') }),
  /** offset/limit: only for sources that cannot sort by id (may skip or repeat rows while data changes). */
  z.object({ style: z.literal('offset'), offsetParam: z.string().default('offset'), sizeParam: z.string().default('limit'), pageSize: z.number().int().positive().default(100) }),
  /** Keyset: ?after=<last id>, sorted by an immutable id; safe over changing data. */
  z.object({ style: z.literal('keyset'), afterParam: z.string().default('after'), sizeParam: z.string().default('limit'), idField: z.string().default('id'), pageSize: z.number().int().positive().default(100) }),
]).default({ style: 'none' });
export type PagingOption = z.infer<typeof pagingOption>;

/** The header carrying the credential (shared with supplier-api). */
export const authOption = z.object({
  header: z.string().default('Authorization'),
  /** Prefix before the credential, e.g. "Bearer"; empty for the bare value. */
  scheme: z.string().default('Bearer'),
}).default({ header: 'Authorization', scheme: 'Bearer' });

/** Client-side cap when the API publishes a fixed rate but no headers. */
export const rateLimitOption = z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().default(1) }).optional();

export const restJsonOptions = baseOptions.extend({
  paths: z.partialRecord(streamName, streamOptions),
  paging: pagingOption,
  auth: authOption,
  rateLimit: rateLimitOption,
});
export type RestJsonOptions = z.infer<typeof restJsonOptions>;
type StreamOptions = z.infer<typeof streamOptions>;

/** (since, sinceId) is the newest change already read; (max, maxId) the newest seen by the read in progress. */
const cursorSchema = z.object({
  since: z.string().optional(), sinceId: z.string().optional(),
  next: z.string().optional(),
  max: z.string().optional(), maxId: z.string().optional(),
});

const CANONICAL_FIELDS: Record<StreamName, readonly string[]> = {
  positions: ['sku', 'locationId', 'onHand', 'reserved', 'openOrders', 'lots', 'sourceUpdatedAt'],
  purchaseOrders: ['sku', 'locationId', 'qty', 'eta', 'orderedAt', 'supplierId', 'ref'],
  locations: ['id', 'name', 'kind', 'parent', 'group', 'timeZone'],
  items: ['sku', 'name', 'category', 'unitCost', 'unitPrice', 'packSize', 'moq', 'shelfLifeDays', 'abcClass', 'serviceLevel', 'minQty', 'maxQty', 'supplierId'],
  sales: ['sku', 'locationId', 'day', 'qty', 'outOfStock'],
  suppliers: ['id', 'name', 'leadTimeDays', 'observedLeadTimes', 'onTimeRate', 'backupSupplierId'],
};

/** Reads each canonical field from its mapped dotted path (or its own name) in a source record. */
export function mapFields(raw: unknown, fields: Record<string, string>, canonical: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of canonical) {
    const value = pick(raw, fields[field] ?? field);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** What `pages` needs of a list: its path, where the records are, extra query parameters, the watermark parameter. */
export type ListOptions = Pick<StreamOptions, 'path' | 'records' | 'query'> & { incremental?: { param: string } };

/** Pages of one list in the configured paging style; `resumeAt` is a page's `next` from an earlier read. */
export function pages(ctx: Pick<ConnectorContext<{ paging: PagingOption }>, 'endpoint' | 'http' | 'options'>, s: ListOptions, since: string | undefined, resumeAt: string | undefined): AsyncGenerator<Page<unknown>> {
  const paging = ctx.options.paging;
  const rowsOf = (body: unknown): unknown[] => {
    const rows = s.records ? pick(body, s.records) : body;
    if (!Array.isArray(rows)) throw new Error(`${s.path}: expected an array at "${s.records || '(body)'}" in the response; set paths.<stream>.records`);
    return rows;
  };
  const url = (extra: Record<string, string>): string => {
    const u = new URL(`${ctx.endpoint}${s.path}`);
    for (const [k, v] of Object.entries({ ...s.query, ...extra })) u.searchParams.set(k, v);
    if (s.incremental && since !== undefined) u.searchParams.set(s.incremental.param, since);
    return u.toString();
  };
  switch (paging.style) {
    case 'none':
      return (async function* () {
        const response = await ctx.http.get(url({}));
        yield { rows: rowsOf(response.body), next: undefined };
      })();
    case 'link':
      return linkHeaderPages(ctx.http, resumeAt ?? url({ [paging.sizeParam]: String(paging.pageSize) }), rowsOf);
    case 'page':
      return numberedPages(ctx.http, (page) => url({ [paging.pageParam]: String(page), [paging.sizeParam]: String(paging.pageSize) }), rowsOf, { startPage: resumeAt ? Number(resumeAt) : 1, totalPagesHeader: paging.totalPagesHeader });
    case 'offset':
      return offsetPages(async (offset, limit) => rowsOf((await ctx.http.get(url({ [paging.offsetParam]: String(offset), [paging.sizeParam]: String(limit) }))).body), { offset: resumeAt ? Number(resumeAt) : 0, limit: paging.pageSize });
    case 'keyset':
      return keysetPages(
        async (after, limit) => rowsOf((await ctx.http.get(url({ ...(after === undefined ? {} : { [paging.afterParam]: after }), [paging.sizeParam]: String(limit) }))).body),
        (row) => String(pick(row, paging.idField)),
        { after: resumeAt, limit: paging.pageSize },
      );
  }
}

const byId = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

async function* read(stream: StreamName, cursor: string | undefined, ctx: ConnectorContext<RestJsonOptions>): AsyncGenerator<ReadMessage> {
  const s = ctx.options.paths[stream];
  if (!s) return;

  if (stream === 'purchaseOrders') {
    // Each position's inbound list is all of its open lines, so read them all before emitting any.
    const lines: InboundSourceLine[] = [];
    for await (const page of pages(ctx, s, undefined, undefined)) {
      for (const raw of page.rows) {
        const line = mapFields(raw, s.fields, CANONICAL_FIELDS.purchaseOrders) as unknown as InboundSourceLine;
        if (typeof line.sku === 'string' && typeof line.locationId === 'string') lines.push(line);
        else yield mapRecord(raw, () => { throw new Error('purchase order line without sku or locationId'); });
      }
    }
    for (const position of groupInbound(lines)) yield record(position);
    return;
  }

  const state = parseCursor(cursorSchema, cursor) ?? {};
  let { max, maxId } = state;
  const since = ctx.full ? undefined : state.since;
  const sinceId = ctx.full ? undefined : state.sinceId;
  const changeOf = (raw: unknown): { at: string; id: string } | undefined => {
    if (!s.incremental) return undefined;
    const value = pick(raw, s.incremental.field);
    if (typeof value !== 'string') return undefined;
    try {
      return { at: utcInstant(value), id: String(pick(raw, s.incremental.idField)) };
    } catch {
      return undefined;
    }
  };

  for await (const page of pages(ctx, s, since, state.next)) {
    for (const raw of page.rows) {
      const change = changeOf(raw);
      // The watermark is inclusive: skip what the last run already read at exactly that instant.
      if (change && since !== undefined && sinceId !== undefined && change.at === since && byId(change.id, sinceId) <= 0) continue;
      if (change && (max === undefined || change.at > max || (change.at === max && byId(change.id, maxId ?? '') > 0))) {
        max = change.at;
        maxId = change.id;
      }
      yield mapRecord(raw, (r) => mapFields(r, s.fields, CANONICAL_FIELDS[stream]));
    }
    // Mid-read: resume at the next page under the same watermark; done: the next run starts after the newest change seen.
    yield checkpoint(page.next === undefined
      ? { since: max ?? since, sinceId: max === undefined ? sinceId : maxId }
      : { since, sinceId, next: page.next, max, maxId });
  }
}

/** Auth header and published-rate limiter for a JSON API configured with `auth` and `rateLimit` (shared with supplier-api). */
export function jsonApiHttp(ctx: { credential: string | undefined; options: { auth: z.infer<typeof authOption>; rateLimit?: z.infer<typeof rateLimitOption> } }): HttpClientOptions {
  const { auth, rateLimit } = ctx.options;
  return {
    headers: ctx.credential === undefined ? {} : { [auth.header]: auth.scheme ? `${auth.scheme} ${ctx.credential}` : ctx.credential },
    rateLimiter: rateLimit ? TokenBucketLimiter.forPublishedRate(rateLimit.perSecond, rateLimit.burst) : undefined,
  };
}

export const restJson = defineConnector<RestJsonOptions>({
  type: 'rest-json',
  spec: restJsonOptions,
  http: jsonApiHttp,
  async check(ctx) {
    const first = Object.values(ctx.options.paths)[0];
    if (!first) return { ok: false, reason: 'options.paths names no stream; add at least one, e.g. paths.positions.path = "/stock".' };
    const response = await ctx.http.get(`${ctx.endpoint}${first.path}`);
    if (response.status === 401 || response.status === 403) return { ok: false, reason: `${ctx.endpoint}${first.path} refused the credentials (HTTP ${response.status}); check the configured credential.` };
    if (response.status === 404) return { ok: false, reason: `${ctx.endpoint}${first.path} does not exist (HTTP 404); check endpoint and paths.` };
    return { ok: true };
  },
  discover: (options) => (Object.keys(options.paths) as StreamName[]).map((name) => ({ name, snapshot: name === 'purchaseOrders' })),
  read,
});
