// The connector contract (Airbyte-like): spec + check + discover + read. A connector maps; the SDK does the rest.
import { z } from 'zod';
import type { ConnectorConfig } from '../../shared/config.js';
import type { Clock } from '../../shared/ports.js';
import type { HttpClient, HttpClientOptions } from './http.js';

export const STREAM_NAMES = ['positions', 'locations', 'items', 'sales', 'purchaseOrders', 'suppliers'] as const;
export const streamName = z.enum(STREAM_NAMES);
export type StreamName = z.infer<typeof streamName>;

/** Options every connector accepts besides its own: which streams to sync and the quantity precision. */
export const baseOptions = z.object({
  /** Sync only these streams (default: all the connector discovers). */
  streams: z.array(streamName).optional(),
  /** Decimal places quantities are rounded to (the unit of measure's precision); strips float noise. */
  precision: z.number().int().min(0).max(9).default(6),
});
export type BaseOptions = z.infer<typeof baseOptions>;

/** One message of a read: a mapped record, a record that could not be mapped, or a resumable position. */
export type ReadMessage =
  | { type: 'record'; record: unknown; raw?: unknown }
  | { type: 'invalid'; reason: string; raw: unknown }
  /** `total`: how many records the source says this read holds, when it says (for progress and an ETA). */
  | { type: 'checkpoint'; cursor: string; total?: number }
  /** Something the user should fix that did not stop the stream (an unmapped location, an enrichment left out). */
  | { type: 'warning'; message: string };

export type CheckResult = { ok: true } | { ok: false; reason: string };

export interface ConnectorContext<O> {
  /** The connector's entry in hub.config. */
  config: ConnectorConfig;
  /** config.options parsed with the connector's spec. */
  options: O;
  /** config.endpoint without a trailing slash. */
  endpoint: string;
  http: HttpClient;
  /** The resolved credential (API key, token, password), or undefined when none is configured. */
  credential: string | undefined;
  clock: Clock;
  /** True when this read must cover everything (initial sync or full reconcile), ignoring watermarks. */
  full: boolean;
}

export interface StreamInfo {
  name: StreamName;
  /**
   * A snapshot stream re-reads its whole scope every sync (no timestamp to poll), e.g. open purchase
   * order lines: the SDK clears what a complete read no longer reports.
   */
  snapshot?: boolean;
}

export interface Connector<O extends BaseOptions = BaseOptions> {
  type: string;
  /** What the connector needs in config.options; exportable as JSON Schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the spec's input type is whatever the config holds.
  spec: z.ZodType<O, any>;
  /** Reaches the source and proves the credentials work. Never throws for an unreachable source: it says why. */
  check(ctx: ConnectorContext<O>): Promise<CheckResult>;
  /** The streams this connector offers with these options. */
  discover(options: O): StreamInfo[];
  /** Yields records and checkpoints; `cursor` is the last checkpoint stored for this stream (undefined: from the start). */
  read(stream: StreamName, cursor: string | undefined, ctx: ConnectorContext<O>): AsyncIterable<ReadMessage>;
  /** Settings for the HTTP client: auth headers, rate limiter, what counts as throttled. */
  http?(ctx: Omit<ConnectorContext<O>, 'http'>): HttpClientOptions;
}

export const record = (record: unknown, raw?: unknown): ReadMessage => ({ type: 'record', record, raw });
export const invalid = (reason: string, raw: unknown): ReadMessage => ({ type: 'invalid', reason, raw });
export const checkpoint = (cursor: unknown, total?: number): ReadMessage =>
  ({ type: 'checkpoint', cursor: JSON.stringify(cursor), ...(total === undefined ? {} : { total }) });
export const warning = (message: string): ReadMessage => ({ type: 'warning', message });

/** Parses a cursor written by `checkpoint`; an unreadable cursor means "start over" rather than a failed sync. */
export function parseCursor<T extends z.ZodType>(schema: T, cursor: string | undefined): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(cursor));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Maps one source record, turning a thrown mapping error into a quarantined record instead of a failed sync. */
export function mapRecord<R>(raw: R, map: (raw: R) => unknown): ReadMessage {
  try {
    return record(map(raw), raw);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error), raw);
  }
}

export class ConnectorError extends Error {
  constructor(readonly code: string, message: string, readonly connector?: string) {
    super(message);
    this.name = 'ConnectorError';
  }
}

/** A connector whatever its options (the registry, runSync and the conformance kit hold many kinds). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options differ per connector; each checks its own with its spec.
export type AnyConnector = Connector<any>;

/** Defines a connector with its types inferred from the spec. */
export const defineConnector = <O extends BaseOptions>(connector: Connector<O>): Connector<O> => connector;
