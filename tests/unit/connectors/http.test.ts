import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostBudgetLimiter, HttpClient, HttpError, LeakyBucketLimiter, redactUrl, retryAfterMs, TokenBucketLimiter, WindowLimiter, type HttpResponse } from '../../../connectors/sdk/http.js';
import { startServer, json, type FakeServer } from '../../fakes/server.js';

/** A clock that only moves when someone sleeps, so limiter tests are exact and instant. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; }, sleeps };
}

const response = (headers: Record<string, string>, body: unknown = {}): HttpResponse => ({ status: 200, headers: new Headers(headers), body, url: 'http://x' });

describe('HttpClient against a real local server', () => {
  let server: FakeServer;
  let script: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  beforeAll(async () => {
    server = await startServer(() => {
      const next = script.shift() ?? { status: 200, body: { ok: true } };
      return json(next.body ?? {}, next.status, next.headers);
    });
  });
  afterAll(() => server.stop());

  it('retries 5xx with jittered exponential backoff, then succeeds', async () => {
    script = [{ status: 500 }, { status: 502 }, { status: 200, body: { ok: 1 } }];
    const slept: number[] = [];
    const client = new HttpClient({ sleep: async (ms) => { slept.push(ms); }, random: () => 1, baseDelayMs: 100 });
    const res = await client.get(`${server.url}/x`);
    expect(res.body).toEqual({ ok: 1 });
    expect(slept).toEqual([100, 200]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, throttled: 0 });
  });

  it('honours a fractional Retry-After on 429 and counts the throttle', async () => {
    script = [{ status: 429, headers: { 'retry-after': '2.0' }, body: { errors: 'Exceeded 2 calls per second for api client.' } }, { status: 200 }];
    const slept: number[] = [];
    const client = new HttpClient({ sleep: async (ms) => { slept.push(ms); } });
    await client.get(`${server.url}/x`);
    expect(slept).toEqual([2000]);
    expect(client.stats.throttled).toBe(1);
  });

  it('gives up after maxRetries with an error naming status and body, and returns 401 to the caller', async () => {
    script = [{ status: 503 }, { status: 503 }];
    const client = new HttpClient({ sleep: async () => {}, maxRetries: 1 });
    await expect(client.get(`${server.url}/x`)).rejects.toThrow(/503 after 1 retries/);
    script = [{ status: 401, body: { error: 'bad token' } }];
    expect((await client.get(`${server.url}/x`)).status).toBe(401);
    script = [{ status: 400, body: { code: 'rest_invalid_param' } }];
    await expect(client.get(`${server.url}/x`)).rejects.toThrow(/answered 400: .*rest_invalid_param/);
  });

  it('times out a request that does not answer, and reports unreachable hosts as network errors', async () => {
    const slow = await startServer(() => new Promise(() => {}));
    try {
      const client = new HttpClient({ timeoutMs: 50, maxRetries: 0 });
      await expect(client.get(`${slow.url}/x`)).rejects.toMatchObject({ code: 'HTTP_TIMEOUT' });
    } finally {
      await slow.stop();
    }
    const client = new HttpClient({ maxRetries: 0 });
    const error = await client.get('http://127.0.0.1:1/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('HTTP_NETWORK');
  });
});

describe('rate limiters', () => {
  it('token bucket spaces requests at the configured rate after the burst', async () => {
    const t = virtualTime();
    const limiter = new TokenBucketLimiter(4, 2, t.now, t.sleep);
    for (let i = 0; i < 6; i++) await limiter.acquire();
    expect(t.now()).toBe(1000);
  });

  it('token bucket for a published rate runs under it and keeps one request of the burst in hand', async () => {
    const t = virtualTime();
    const limiter = TokenBucketLimiter.forPublishedRate(25, 5, t.now, t.sleep);
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(t.sleeps).toEqual([]);
    await limiter.acquire();
    // The fifth request waits one interval at 97% of 25/s, so the server keeps a token for late-then-early arrivals.
    expect(t.now()).toBeCloseTo(1000 / (25 * 0.97), 6);
  });

  it('token bucket starts again from empty after a 429 instead of bursting into the server', async () => {
    const t = virtualTime();
    const limiter = new TokenBucketLimiter(10, 3, t.now, t.sleep);
    limiter.observe({ ...response({}), status: 429 });
    await limiter.acquire();
    expect(t.sleeps).toEqual([100]);
  });

  it('leaky bucket learns the level from X-Shopify-Shop-Api-Call-Limit and waits only when full', async () => {
    const t = virtualTime();
    const limiter = new LeakyBucketLimiter(2, 40, 'x-shopify-shop-api-call-limit', t.now, t.sleep);
    await limiter.acquire();
    limiter.observe(response({ 'x-shopify-shop-api-call-limit': '39/40' }));
    await limiter.acquire();
    expect(t.sleeps).toEqual([]);
    limiter.observe(response({ 'x-shopify-shop-api-call-limit': '40/40' }));
    await limiter.acquire();
    expect(t.sleeps).toEqual([500]);
  });

  it('cost budget waits for the restore rate to cover the next query', async () => {
    const t = virtualTime();
    const limiter = new CostBudgetLimiter(t.now, t.sleep);
    await limiter.acquire(100);
    limiter.observe(response({}, { extensions: { cost: { requestedQueryCost: 102, actualQueryCost: 12, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 2, restoreRate: 50 } } } }));
    await limiter.acquire();
    expect(t.sleeps).toEqual([2000]);
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }), 0)).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 1970 00:00:03 GMT' }), 1000)).toBe(2000);
    expect(retryAfterMs(new Headers(), 0)).toBeUndefined();
  });

  it('redacts credentials in URLs', () => {
    expect(redactUrl('https://u:p@x.test/a?consumer_secret=cs_1&page=2')).toBe('https://u:***@x.test/a?consumer_secret=***&page=2');
  });
});

describe('cost budget edge', () => {
  it('does not wait forever for a query dearer than the whole bucket', async () => {
    const t = virtualTime();
    const limiter = new CostBudgetLimiter(t.now, t.sleep);
    limiter.observe(response({}, { extensions: { cost: { requestedQueryCost: 10, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 50 } } } }));
    await limiter.acquire(500);
    expect(t.now()).toBe(0);
  });
});

describe('window limiter', () => {
  it('waits for X-RateLimit-Reset once X-RateLimit-Remaining reaches 0', async () => {
    const t = virtualTime();
    const limiter = new WindowLimiter(t.now, t.sleep);
    limiter.observe(response({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '0.8' }));
    await limiter.acquire();
    expect(t.sleeps).toEqual([]);
    limiter.observe(response({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0.8' }));
    await limiter.acquire();
    expect(t.sleeps).toEqual([800]);
  });
});
