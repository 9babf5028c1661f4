// Scheduled: sync one connector (named by the schedule's payload or CONNECTOR_NAME) into the table.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { z } from 'zod';
import { runSync, type SyncReport } from '../connectors/sdk/sync.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

const syncRequest = z.object({ connector: z.string().optional(), full: z.boolean().optional() }).passthrough();

export class UnknownConnectorError extends Error {
  readonly code = 'CONNECTOR_UNKNOWN';
  constructor(name: string, known: string[]) {
    super(`No connector named "${name}" in hub.config (known: ${known.join(', ') || 'none'}).`);
    this.name = 'UnknownConnectorError';
  }
}

export function createSyncConnectorHandler(services: () => Promise<HubServices>) {
  return middy(async (event: unknown): Promise<SyncReport> => {
    const deps = await services();
    const request = syncRequest.parse(event ?? {});
    const name = request.connector ?? process.env.CONNECTOR_NAME;
    const config = deps.config.connectors.find((c) => c.name === name);
    if (!name || !config) throw new UnknownConnectorError(String(name), deps.config.connectors.map((c) => c.name));
    const report = await runSync({
      config, store: deps.store, clock: deps.clock, credentials: deps.credentials, full: request.full,
      log: (entry) => logger.info('sync', entry),
    });
    metrics.addDimension('connector', name);
    metrics.addMetric('SyncDuration', 'Milliseconds', report.durationMs);
    for (const s of report.streams) {
      const perStream = metrics.singleMetric();
      perStream.addDimensions({ connector: name, stream: s.name });
      perStream.addMetric('RecordsSynced', 'Count', s.written);
      perStream.addMetric('RecordsQuarantined', 'Count', s.quarantined);
    }
    logger.info('sync finished', { report });
    return report;
  }).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = createSyncConnectorHandler(awsServices);
