// One logger and one metrics namespace for every handler (Powertools): JSON logs, EMF metrics.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stocksentry' });
// Metrics' own warnings (e.g. an invocation with nothing to count) go through the same JSON logger.
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'StockSentry', logger });
