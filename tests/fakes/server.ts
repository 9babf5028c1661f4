// Plumbing shared by the fake source servers: an HTTP server on 127.0.0.1 (ephemeral port), counters, change tracking.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless a string. */
  body?: unknown;
}

export interface FakeStats {
  requests: number;
  /** Requests answered "too fast" (429 or GraphQL THROTTLED). */
  throttled: number;
  /** Request times (ms since the server started), for rate measurements. */
  times: number[];
}

export interface FakeServer {
  url: string;
  stats: FakeStats;
  stop(): Promise<void>;
}

export async function startServer(handle: (req: FakeRequest, stats: FakeStats) => FakeResponse | Promise<FakeResponse>): Promise<FakeServer> {
  const stats: FakeStats = { requests: 0, throttled: 0, times: [] };
  const t0 = performance.now();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      stats.times.push(performance.now() - t0);
      const request: FakeRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      Promise.resolve()
        .then(() => handle(request, stats))
        .catch((error: unknown): FakeResponse => ({ status: 500, body: { error: String(error) } }))
        .then((out) => {
          const isText = typeof out.body === 'string';
          res.writeHead(out.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...out.headers });
          res.end(out.body === undefined ? '' : isText ? (out.body as string) : JSON.stringify(out.body));
        });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Change tracking with a logical clock, so incremental reads are deterministic: every `set` of a dataset
 * advances the clock one minute and stamps the records whose content changed.
 */
export class ChangeLog<T> {
  private readonly rows = new Map<string, { value: T; json: string; updatedAt: number; id: number }>();
  private nextId = 1;

  constructor(private readonly keyOf: (row: T) => string) {}

  set(values: T[], at: number): void {
    const keep = new Set<string>();
    for (const value of values) {
      const key = this.keyOf(value);
      keep.add(key);
      const json = JSON.stringify(value);
      const current = this.rows.get(key);
      if (current?.json === json) continue;
      this.rows.set(key, { value, json, updatedAt: at, id: current?.id ?? this.nextId++ });
    }
    for (const key of [...this.rows.keys()]) if (!keep.has(key)) this.rows.delete(key);
  }

  /** Rows sorted by their stable numeric id. */
  all(): { value: T; updatedAt: number; id: number }[] {
    return [...this.rows.values()].sort((a, b) => a.id - b.id);
  }

  get(key: string): { value: T; updatedAt: number; id: number } | undefined {
    return this.rows.get(key);
  }
}

/** The fakes' logical epoch: 2026-05-01T00:00:00Z, one minute per dataset change. */
export const FAKE_EPOCH = Date.parse('2026-05-01T00:00:00Z');

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): FakeResponse => ({ status, body, headers });

export interface TokenBucket {
  /** Takes a token for one request: undefined when allowed, else the seconds to wait. */
  (): number | undefined;
  /** Tokens spent and not yet refilled: a leaky bucket's fill level (Shopify's X-Shopify-Shop-Api-Call-Limit). */
  used(): number;
}

/** A server-side token bucket (a host's or WAF's limiter): returns the seconds to wait when a request is over the rate. */
export function tokenBucket(rate: { perSecond: number; burst: number } | undefined): TokenBucket {
  let tokens = rate?.burst ?? 0;
  let refilledAt = performance.now();
  const refill = (perSecond: number, burst: number): void => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * perSecond);
    refilledAt = now;
  };
  const take = (): number | undefined => {
    if (!rate) return undefined;
    refill(rate.perSecond, rate.burst);
    if (tokens < 1) return (1 - tokens) / rate.perSecond;
    tokens -= 1;
    return undefined;
  };
  return Object.assign(take, {
    used: (): number => {
      if (!rate) return 0;
      refill(rate.perSecond, rate.burst);
      return rate.burst - tokens;
    },
  });
}
