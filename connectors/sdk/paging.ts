// Pagination helpers. Each yields pages with `next`: the small token to resume from (checkpoint it), undefined on the last page.
import type { HttpClient, HttpResponse } from './http.js';

export interface Page<T> {
  rows: T[];
  /** Where the following page starts (a URL, a page number, a key); pass it back to resume. */
  next: string | undefined;
  response?: HttpResponse;
}

/** Parses an RFC 8288 Link header into rel → URL (the way Shopify's SDK does: split on ", ", then <url>; rel="x"). */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,\s*(?=<)/)) {
    const match = /<([^<>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (match?.[1] && match[2]) for (const rel of match[2].split(/\s+/)) links[rel] = match[1];
  }
  return links;
}

/** A next-page URL as a page gave it, made absolute against that page's URL; the client refuses it if it leaves the origin. */
const nextUrl = (next: string | undefined, response: HttpResponse): string | undefined => (next === undefined || next === '' ? undefined : new URL(next, response.url).toString());

/**
 * Link-header cursors (Shopify REST, WooCommerce): request exactly the rel="next" URL, never rebuild it.
 * `rowsOf` also gets the response, so it can judge a 401/403/404 (returned, not thrown, by the client) before the body.
 */
export async function* linkHeaderPages<T>(http: HttpClient, firstUrl: string, rowsOf: (body: unknown, response: HttpResponse) => T[], headers?: Record<string, string>): AsyncGenerator<Page<T>> {
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await http.get(url, { headers });
    url = nextUrl(parseLinkHeader(response.headers.get('link')).next, response);
    yield { rows: rowsOf(response.body, response), next: url, response };
  }
}

/** Page numbers with a total-pages header (WooCommerce X-WP-TotalPages). */
export async function* numberedPages<T>(http: HttpClient, urlFor: (page: number) => string, rowsOf: (body: unknown) => T[], opts: { startPage?: number; totalPagesHeader?: string; headers?: Record<string, string> } = {}): AsyncGenerator<Page<T>> {
  for (let page = opts.startPage ?? 1; ; page++) {
    const response = await http.get(urlFor(page), { headers: opts.headers });
    const rows = rowsOf(response.body);
    const total = Number(response.headers.get(opts.totalPagesHeader ?? 'x-wp-totalpages') ?? Number.NaN);
    const last = Number.isFinite(total) ? page >= total : rows.length === 0;
    yield { rows, next: last ? undefined : String(page + 1), response };
    if (last) return;
  }
}

/**
 * Keyset paging (`id > last`, ordered by id): unlike offset paging it neither skips nor repeats rows when rows
 * are inserted or deleted between pages. `fetchPage` must return rows sorted by key ascending.
 */
export async function* keysetPages<T>(fetchPage: (after: string | undefined, limit: number) => Promise<T[]>, keyOf: (row: T) => string | number, opts: { after?: string; limit: number }): AsyncGenerator<Page<T>> {
  let after = opts.after;
  for (;;) {
    const rows = await fetchPage(after, opts.limit);
    const last = rows.at(-1);
    const next = rows.length < opts.limit || last === undefined ? undefined : String(keyOf(last));
    yield { rows, next };
    if (next === undefined) return;
    after = next;
  }
}

/**
 * Plain offset/limit paging. Only safe over data that does not change during the read, or when the caller
 * re-reads with an overlapping watermark and upserts idempotently; prefer keysetPages.
 */
export async function* offsetPages<T>(fetchPage: (offset: number, limit: number) => Promise<T[]>, opts: { offset?: number; limit: number }): AsyncGenerator<Page<T>> {
  for (let offset = opts.offset ?? 0; ; offset += opts.limit) {
    const rows = await fetchPage(offset, opts.limit);
    const next = rows.length < opts.limit ? undefined : String(offset + opts.limit);
    yield { rows, next };
    if (next === undefined) return;
  }
}

/** OData: follow V2's d.__next or V4's @odata.nextLink ($skiptoken) as an opaque URL. */
export async function* odataPages<T>(http: HttpClient, firstUrl: string, headers?: Record<string, string>): AsyncGenerator<Page<T>> {
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await http.get(url, { headers });
    const body = response.body as { d?: { results?: T[]; __next?: string }; value?: T[]; '@odata.nextLink'?: string } | undefined;
    url = nextUrl(body?.d ? body.d.__next : body?.['@odata.nextLink'], response);
    yield { rows: body?.d?.results ?? body?.value ?? [], next: url, response };
  }
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** GraphQL Relay connections: pageInfo { hasNextPage endCursor } and `after:`. */
export async function* graphqlPages<T>(fetchPage: (after: string | undefined) => Promise<Connection<T>>, opts: { after?: string } = {}): AsyncGenerator<Page<T>> {
  let after = opts.after;
  for (;;) {
    const connection = await fetchPage(after);
    const next = connection.pageInfo.hasNextPage && connection.pageInfo.endCursor ? connection.pageInfo.endCursor : undefined;
    yield { rows: connection.nodes, next };
    if (next === undefined) return;
    after = next;
  }
}
