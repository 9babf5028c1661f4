// One logger and one metrics namespace for every handler (Powertools): JSON logs, EMF metrics.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stocksentry' });
// Metrics' own warnings (e.g. an invocation with nothing to count) go through the same JSON logger.
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'StockSentry', logger });

/** Counts per dimension value (findings by type, requests by supplier), one EMF record per value. */
export function countBy(metricName: string, dimension: string, values: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [value, n] of counts) {
    const single = metrics.singleMetric();
    single.addDimension(dimension, value);
    single.addMetric(metricName, 'Count', n);
  }
}

/**
 * A handler's own logger, named in every line (`handler`): the local hub runs all handlers in one process, where the
 * shared logger carries whichever Lambda context was injected last.
 */
export const handlerLogger = (handler: string) => logger.createChild({ persistentKeys: { handler } });
