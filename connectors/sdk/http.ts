// The HTTP client every connector uses: timeouts, retries with backoff + jitter, Retry-After, adaptive rate limits.
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  url: string;
}

/** Decides how fast requests may go; adapts from what the server says. */
export interface RateLimiter {
  /** Waits until one more request (of this cost) is allowed. */
  acquire(cost?: number): Promise<void>;
  /** Learns from a response (remaining budget, bucket level). */
  observe(response: HttpResponse): void;
  /** What it learned, small and JSON, for the SDK to keep with the run's checkpoint (undefined: nothing yet). */
  state?(): unknown;
  /** Starts from a state an earlier run kept (anything unreadable is ignored). */
  resume?(state: unknown): void;
}

export interface HttpClientOptions {
  /**
   * The only origin (scheme://host:port) requests may go to: the connector's endpoint. Any other URL, however a page
   * named it (Link header, a next URL in a body, a stored cursor), is refused before a byte or a credential leaves.
   */
  origin?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Retries after the first attempt for 5xx, 429, throttled responses, timeouts and network errors. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  rateLimiter?: RateLimiter;
  /** A 200 that is really a throttle (GraphQL THROTTLED): return the delay in ms before retrying, else undefined. */
  throttledDelayMs?: (response: HttpResponse) => number | undefined;
  sleep?: Sleep;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface HttpStats {
  requests: number;
  retries: number;
  /** Responses that said "too fast" (429 or a throttled body). */
  throttled: number;
}

export class HttpError extends Error {
  constructor(
    readonly code: 'HTTP_STATUS' | 'HTTP_TIMEOUT' | 'HTTP_NETWORK',
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A URL outside the configured origin: never requested, so the source's credentials never reach another host. */
export class OriginMismatchError extends Error {
  readonly code = 'HTTP_ORIGIN_MISMATCH';
  constructor(readonly url: string, readonly expected: string, readonly actual: string) {
    super(`Refused to request ${url}: its origin ${actual} is not the connector's endpoint origin ${expected}. A page pointed the client to another host (or a stored cursor predates an endpoint change); check the source, or run a full sync after changing endpoint.`);
    this.name = 'OriginMismatchError';
  }
}

/** scheme://host:port of an http(s) URL (default ports left out, as URL.origin does), or undefined for anything else. */
export function httpOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Retry-After in seconds (fractional allowed, as Shopify sends "2.0") or an HTTP date; undefined if absent. */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && /^\s*[\d.]+\s*$/.test(value)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Removes credentials from a URL before it appears in an error or a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/key|secret|token|password|signature/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return url;
  }
}

const snippet = (body: unknown): string => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, throttled: 0 };
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The rate limiter's learned state, for the run's checkpoint. */
  limiterState(): unknown {
    return this.options.rateLimiter?.state?.();
  }

  resumeLimiter(state: unknown): void {
    if (state !== undefined) this.options.rateLimiter?.resume?.(state);
  }

  get(url: string, init: { headers?: Record<string, string>; cost?: number } = {}): Promise<HttpResponse> {
    return this.request('GET', url, init);
  }

  post(url: string, body: unknown, init: { headers?: Record<string, string>; cost?: number } = {}): Promise<HttpResponse> {
    return this.request('POST', url, { ...init, body });
  }

  /** Sends a request; resolves with a 2xx response (or a 4xx other than 429, which is the caller's to judge). */
  async request(method: string, url: string, init: { headers?: Record<string, string>; body?: unknown; cost?: number } = {}): Promise<HttpResponse> {
    const maxRetries = this.options.maxRetries ?? 5;
    this.checkOrigin(url);
    for (let attempt = 0; ; attempt++) {
      await this.options.rateLimiter?.acquire(init.cost);
      let response: HttpResponse;
      try {
        response = await this.send(method, url, init);
      } catch (error) {
        if (!(error instanceof HttpError) || attempt >= maxRetries) throw error;
        this.stats.retries++;
        await this.sleep(this.backoffMs(attempt));
        continue;
      }
      this.options.rateLimiter?.observe(response);
      const throttledDelay = response.status < 300 ? this.options.throttledDelayMs?.(response) : undefined;
      if (response.status === 429 || throttledDelay !== undefined) this.stats.throttled++;
      const retryable = RETRYABLE_STATUS.has(response.status) || throttledDelay !== undefined;
      if (!retryable) {
        if (response.status >= 400 && response.status !== 401 && response.status !== 403 && response.status !== 404) {
          throw new HttpError('HTTP_STATUS', `${method} ${redactUrl(url)} answered ${response.status}: ${snippet(response.body)}`, redactUrl(url), response.status, response.body);
        }
        return response;
      }
      if (attempt >= maxRetries) {
        throw new HttpError('HTTP_STATUS', `${method} ${redactUrl(url)} still answered ${response.status} after ${maxRetries} retries: ${snippet(response.body)}. The source is overloaded or down; try again later.`, redactUrl(url), response.status, response.body);
      }
      this.stats.retries++;
      const told = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers, Date.now()) : undefined;
      await this.sleep(told ?? throttledDelay ?? this.backoffMs(attempt));
    }
  }

  private checkOrigin(url: string): void {
    const expected = this.options.origin;
    if (expected === undefined) return;
    const actual = httpOrigin(url) ?? url;
    if (actual !== expected) throw new OriginMismatchError(redactUrl(url), expected, actual);
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base·2^attempt)], never below base/2. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs ?? 30_000, (this.options.baseDelayMs ?? 250) * 2 ** attempt);
    return Math.max((this.options.baseDelayMs ?? 250) / 2, this.random() * ceiling);
  }

  private async send(method: string, url: string, init: { headers?: Record<string, string>; body?: unknown }): Promise<HttpResponse> {
    this.stats.requests++;
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new HttpError('HTTP_TIMEOUT', `${method} ${redactUrl(url)} did not answer within ${timeoutMs} ms`, redactUrl(url));
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new HttpError('HTTP_NETWORK', `${method} ${redactUrl(url)} failed: ${cause}. Check the endpoint URL and that the source is reachable.`, redactUrl(url));
    }
    let parsed: unknown = text;
    if (text && /json/i.test(res.headers.get('content-type') ?? '')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed, url };
  }
}

/** Share of a published fixed rate left unused, so network jitter between our clock and the server's never trips its limit. */
export const JITTER_MARGIN = 0.03;

/**
 * A token bucket: `capacity` requests at once, refilled at `perSecond`. Used when a source publishes a fixed rate.
 * Timed with the monotonic sub-millisecond clock: Date.now's 1 ms steps alone are ~2.5% of a 40 ms interval.
 */
export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private last: number;
  constructor(private readonly perSecond: number, private readonly capacity = 1, private readonly now: () => number = () => performance.now(), private readonly sleep: Sleep = realSleep) {
    this.tokens = capacity;
    this.last = now();
  }

  /**
   * The limiter for a source's published rate and burst: JITTER_MARGIN under the rate, and one request of the
   * burst held back, so a request that leaves late followed by one that leaves on time never arrives inside the
   * server's window (with equal buckets, the server's only slack right after a burst was 3% of one interval).
   */
  static forPublishedRate(perSecond: number, burst = 1, now?: () => number, sleep?: Sleep): TokenBucketLimiter {
    return new TokenBucketLimiter(perSecond * (1 - JITTER_MARGIN), Math.max(1, burst - 1), now, sleep);
  }

  async acquire(cost = 1): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
      this.last = t;
      if (this.tokens >= cost) {
        this.tokens -= cost;
        return;
      }
      await this.sleep(((cost - this.tokens) / this.perSecond) * 1000);
    }
  }

  observe(response: HttpResponse): void {
    // A 429 means the server's bucket is empty whatever ours says: start again from empty rather than burst into it.
    if (response.status === 429) {
      this.tokens = 0;
      this.last = this.now();
    }
  }
}

/**
 * Shopify REST's leaky bucket, learned from X-Shopify-Shop-Api-Call-Limit ("32/40"): requests fill the bucket,
 * it leaks at `leakPerSecond`; we wait only when the next request would overflow it.
 */
export class LeakyBucketLimiter implements RateLimiter {
  private level = 0;
  private capacity: number;
  private at: number;

  constructor(private readonly leakPerSecond: number, capacity = 40, private readonly header = 'x-shopify-shop-api-call-limit', private readonly now: () => number = Date.now, private readonly sleep: Sleep = realSleep) {
    this.capacity = capacity;
    this.at = now();
  }

  private current(t: number): number {
    return Math.max(0, this.level - ((t - this.at) / 1000) * this.leakPerSecond);
  }

  async acquire(): Promise<void> {
    for (;;) {
      const t = this.now();
      const level = this.current(t);
      if (level + 1 <= this.capacity) {
        this.level = level + 1;
        this.at = t;
        return;
      }
      await this.sleep(((level + 1 - this.capacity) / this.leakPerSecond) * 1000);
    }
  }

  observe(response: HttpResponse): void {
    const match = /^(\d+)\/(\d+)$/.exec(response.headers.get(this.header)?.trim() ?? '');
    if (!match) return;
    // The server's count is the truth; ours drifts with network time.
    this.level = Number(match[1]);
    this.capacity = Number(match[2]);
    this.at = this.now();
  }
}

/** A cost budget as a response reported it: points available of maximum at `at` (ms, the limiter's clock), restored per second. */
export interface CostBudget { available: number; maximum: number; restoreRate: number; at: number }

/**
 * Shopify GraphQL's cost budget, learned from extensions.cost.throttleStatus: waits until the budget restored
 * at `restoreRate` points/s covers the next query's expected cost (the last actual cost seen, until told otherwise).
 */
export class CostBudgetLimiter implements RateLimiter {
  private available = Number.POSITIVE_INFINITY;
  private maximum = Number.POSITIVE_INFINITY;
  private restoreRate = 50;
  private at: number;
  private lastCost = 1;

  constructor(private readonly now: () => number = Date.now, private readonly sleep: Sleep = realSleep) {
    this.at = now();
  }

  private current(t: number): number {
    return Math.min(this.maximum, this.available + ((t - this.at) / 1000) * this.restoreRate);
  }

  async acquire(cost?: number): Promise<void> {
    // A query dearer than the whole bucket can never be budgeted: send it and let the server's answer decide.
    const need = Math.min(cost ?? this.lastCost, this.maximum);
    for (;;) {
      const t = this.now();
      const available = this.current(t);
      if (available >= need) {
        this.available = available - need;
        this.at = t;
        return;
      }
      await this.sleep(((need - available) / this.restoreRate) * 1000);
    }
  }

  observe(response: HttpResponse): void {
    const cost = (response.body as { extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } } } | undefined)?.extensions?.cost;
    if (!cost?.throttleStatus) return;
    this.maximum = cost.throttleStatus.maximumAvailable;
    this.available = cost.throttleStatus.currentlyAvailable;
    this.restoreRate = cost.throttleStatus.restoreRate;
    this.at = this.now();
    // Shopify reserves the requested cost up front, so budget for that, not the (smaller) actual cost.
    if (cost.requestedQueryCost) this.lastCost = cost.requestedQueryCost;
  }

  /** The budget as the last response reported it (wall-clock `at`), kept with the run's checkpoint. */
  state(): CostBudget | undefined {
    return Number.isFinite(this.maximum) ? { available: this.available, maximum: this.maximum, restoreRate: this.restoreRate, at: this.at } : undefined;
  }

  /**
   * Starts from the budget the last run's last response reported, restored since at its rate, so back-to-back runs do
   * not open with a THROTTLED query; ignored once this run has heard from the server.
   */
  resume(state: unknown): void {
    const b = state as Partial<CostBudget> | undefined;
    if (Number.isFinite(this.maximum) || !b || ![b.available, b.maximum, b.restoreRate, b.at].every((x) => typeof x === 'number' && Number.isFinite(x)) || !(b.restoreRate! > 0)) return;
    ({ available: this.available, maximum: this.maximum, restoreRate: this.restoreRate, at: this.at } = b as CostBudget);
  }

  /** How long to wait before retrying a THROTTLED query of this requested cost. */
  delayFor(requested: number): number {
    return Math.max(0, ((requested - this.current(this.now())) / this.restoreRate) * 1000);
  }
}

/**
 * Fixed-window budgets announced in headers (Frappe/ERPNext: X-RateLimit-Remaining and X-RateLimit-Reset in
 * seconds): when the window is spent, wait for its reset instead of collecting a 429.
 */
export class WindowLimiter implements RateLimiter {
  private resumeAt = 0;

  constructor(private readonly now: () => number = Date.now, private readonly sleep: Sleep = realSleep) {}

  async acquire(): Promise<void> {
    const wait = this.resumeAt - this.now();
    if (wait > 0) await this.sleep(wait);
  }

  observe(response: HttpResponse): void {
    const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
    const reset = Number.parseFloat(response.headers.get('x-ratelimit-reset') ?? '');
    if (remaining <= 0 && Number.isFinite(reset)) this.resumeAt = this.now() + reset * 1000;
  }
}
