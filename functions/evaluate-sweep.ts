// Scheduled sweep: re-evaluates every position (forecasts move with time even when quantities don't:
// ageing, expiry, dead stock, projected stockouts), in pages so memory stays flat.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { evaluatePositions, type PositionRef } from '../shared/evaluation/pipeline.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

const PAGE = 200;

export interface SweepReport {
  evaluated: number;
  skipped: number;
  findings: number;
  /** Stock health for the dashboard: positions projected to run out, out of stock, and capital in overstock. */
  positionsAtRisk: number;
  stockouts: number;
  overstockValue: number;
}

export function createEvaluateSweepHandler(services: () => Promise<HubServices>) {
  return middy(async (): Promise<SweepReport> => {
    const deps = await services();
    const report: SweepReport = { evaluated: 0, skipped: 0, findings: 0, positionsAtRisk: 0, stockouts: 0, overstockValue: 0 };
    let page: PositionRef[] = [];
    const flush = async () => {
      const out = await evaluatePositions(page, deps.evaluation);
      await deps.bus.putEvents(out.events);
      report.evaluated += out.evaluated.length;
      report.skipped += out.skipped.length;
      for (const { decision } of out.evaluated) {
        report.findings += decision.alerts.length;
        if (decision.alerts.some((f) => f.type === 'STOCKOUT_RISK')) report.positionsAtRisk++;
        if (decision.alerts.some((f) => f.type === 'STOCKOUT')) report.stockouts++;
        for (const f of decision.alerts) if (f.type === 'OVERSTOCK') report.overstockValue += Number(f.facts?.capitalTiedUp ?? 0);
      }
      page = [];
    };
    for await (const p of deps.store.listPositions()) {
      page.push({ sku: p.sku, locationId: p.locationId, position: p });
      if (page.length >= PAGE) await flush();
    }
    if (page.length) await flush();
    metrics.addMetric('PositionsEvaluated', 'Count', report.evaluated);
    metrics.addMetric('PositionsAtRisk', 'Count', report.positionsAtRisk);
    metrics.addMetric('Stockouts', 'Count', report.stockouts);
    metrics.addMetric('OverstockValue', 'None', Math.round(report.overstockValue));
    logger.info('sweep finished', { ...report });
    return report;
  }).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = createEvaluateSweepHandler(awsServices);
