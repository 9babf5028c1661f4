// Scheduled: sync one connector (named by the schedule's payload or CONNECTOR_NAME) into the table.
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { z } from 'zod';
import { runSync, SyncStreamsFailedError, type SyncProgress, type SyncReport } from '../connectors/sdk/sync.js';
import type { InventoryStore } from '../shared/ports.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

const syncRequest = z.object({ connector: z.string().optional(), full: z.boolean().optional() }).passthrough();

/** Cursor slot (beside the streams' cursors) holding when the connector's last sync finished. */
export const LAST_SYNC_CURSOR = '_lastSync';

export class UnknownConnectorError extends Error {
  readonly code = 'CONNECTOR_UNKNOWN';
  constructor(name: string, known: string[]) {
    super(`No connector named "${name}" in hub.config (known: ${known.join(', ') || 'none'}).`);
    this.name = 'UnknownConnectorError';
  }
}

/** `progress`: where a sync is while it runs (the local hub's progress line). */
export function createSyncConnectorHandler(services: () => Promise<HubServices>, options: { progress?: (p: SyncProgress) => void } = {}) {
  return middy(async (event: unknown): Promise<SyncReport> => {
    const deps = await services();
    const request = syncRequest.parse(event ?? {});
    const name = request.connector ?? process.env.CONNECTOR_NAME;
    const config = deps.config.connectors.find((c) => c.name === name);
    if (!name || !config) throw new UnknownConnectorError(String(name), deps.config.connectors.map((c) => c.name));
    const correlationId = `sync-${name}-${randomUUID()}`;
    logger.appendKeys({ correlationId });
    const previousRun = await deps.store.getCursor(name, LAST_SYNC_CURSOR);
    let report: SyncReport;
    try {
      report = await runSync({
        config, store: stampedWith(deps.store, correlationId), clock: deps.clock, credentials: deps.credentials, full: request.full,
        log: (entry) => logger.info('sync', entry), onProgress: options.progress,
      });
    } catch (error) {
      if (!(error instanceof SyncStreamsFailedError)) throw error;
      // The other streams synced: count them, name the failing ones (metric and log), then fail the invocation.
      for (const failure of error.failures) {
        const perStream = metrics.singleMetric();
        perStream.addDimensions({ connector: name, stream: failure.stream });
        perStream.addMetric('SyncStreamFailures', 'Count', 1);
        logger.error('sync stream failed', { connector: name, stream: failure.stream, code: failure.code, error: failure.message });
      }
      const perConnector = metrics.singleMetric();
      perConnector.addDimension('connector', name);
      perConnector.addMetric('SyncStreamFailures', 'Count', error.failures.length);
      recordStreams(name, error.report);
      throw error;
    }
    const finishedAt = new Date(Date.parse(report.startedAt) + report.durationMs);
    await deps.store.putCursor(name, LAST_SYNC_CURSOR, finishedAt.toISOString(), finishedAt);
    metrics.addDimension('connector', name);
    metrics.addMetric('SyncDuration', 'Milliseconds', report.durationMs);
    // How stale the hub's copy was when this sync finished: time since the previous one did.
    if (previousRun) metrics.addMetric('SyncLagSeconds', 'Seconds', Math.round((finishedAt.getTime() - Date.parse(previousRun)) / 1000));
    metrics.addMetric('RecordsSynced', 'Count', report.streams.reduce((n, s) => n + s.written, 0));
    metrics.addMetric('RecordsQuarantined', 'Count', report.streams.reduce((n, s) => n + s.quarantined, 0));
    // Where pushed changes and this pull disagreed (the pull wins): per source, how often and by how much.
    metrics.addMetric('PushDriftPositions', 'Count', report.streams.reduce((n, s) => n + (s.drift?.positions ?? 0), 0));
    metrics.addMetric('PushDriftUnits', 'Count', report.streams.reduce((n, s) => n + (s.drift?.units ?? 0), 0));
    recordStreams(name, report);
    logger.info('sync finished', { report });
    return report;
  }).use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}

/** Per-stream record counts, also of a run in which some streams failed. */
function recordStreams(connector: string, report: SyncReport): void {
  for (const s of report.streams) {
    if (s.error !== undefined) continue;
    const perStream = metrics.singleMetric();
    perStream.addDimensions({ connector, stream: s.name });
    perStream.addMetric('RecordsSynced', 'Count', s.written);
    perStream.addMetric('RecordsQuarantined', 'Count', s.quarantined);
  }
}

/** The store as the sync sees it: every position record carries the run's id, so the stream and evaluation can log it. */
export function stampedWith(store: InventoryStore, correlationId: string): InventoryStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'upsertPositions') {
        return ((source, records, at) => target.upsertPositions(source, records.map((r) => ({ ...r, correlationId })), at)) satisfies InventoryStore['upsertPositions'];
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export const handler = createSyncConnectorHandler(awsServices);
