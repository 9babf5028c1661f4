// The daily sweep: re-evaluates every position (forecasts move with time even when quantities don't: ageing, expiry,
// dead stock, projected stockouts). On AWS a state machine calls this function to plan the run, once per parallel-scan
// segment (again while a segment hands back unfinished), and to finish; invoked with anything else (the local hub, a
// manual `aws lambda invoke`), it runs the same plan in this process.
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { finishSweep, planSweep, runSweep, sweepSegment, type SegmentInput, type SweepPlan, type SweepResult } from '../shared/evaluation/sweep.js';
import { ReferenceCache } from '../shared/evaluation/pipeline.js';
import { toDay } from '../shared/time.js';
import { logger, metrics } from './observability.js';
import { awsServices, type HubServices } from './services.js';

/** A segment worker hands back (and is invoked again) with this much of its time left. */
const HAND_BACK_MS = 90_000;

const runRef = { runId: z.string().min(1), now: z.iso.datetime({ offset: true }), totalSegments: z.number().int().positive() };
export const sweepRequest = z.union([
  z.object({ action: z.literal('plan') }),
  z.object({ action: z.literal('segment'), ...runRef, segment: z.number().int().nonnegative() }),
  z.object({ action: z.literal('finish'), ...runRef }),
  // The schedule's input, a manual invocation: the whole run here.
  z.object({ action: z.undefined() }).passthrough(),
]);

/** What a segment invocation hands back: its own input (so the state machine's loop can pass it on) and whether it is done. */
export type SegmentResult = SegmentInput & { action: 'segment'; done: boolean; pages: number };

export function createEvaluateSweepHandler(services: () => Promise<HubServices>) {
  const plan = async (deps: HubServices): Promise<SweepPlan> => {
    const p = planSweep({ runId: `sweep-${deps.clock.now().toISOString()}-${randomUUID().slice(0, 8)}`, now: deps.clock.now(), positions: await deps.sweepStore.estimatePositions(), config: deps.config.evaluation });
    logger.info('sweep planned', { ...p, segments: undefined });
    return p;
  };
  const segment = async (deps: HubServices, input: SegmentInput, context?: Context): Promise<SegmentResult> => {
    const checkpoint = await sweepSegment(input, {
      sweep: deps.sweepStore, evaluation: { ...deps.sweepEvaluation, cache: new ReferenceCache() },
      ...(context ? { shouldStop: () => context.getRemainingTimeInMillis() < HAND_BACK_MS } : {}),
    });
    logger.info('sweep segment', { runId: input.runId, segment: input.segment, done: checkpoint.done, pages: checkpoint.pages, ...checkpoint.totals });
    return { action: 'segment', runId: input.runId, now: input.now, segment: input.segment, totalSegments: input.totalSegments, done: checkpoint.done, pages: checkpoint.pages };
  };
  const finish = async (deps: HubServices, input: Omit<SegmentInput, 'segment'>): Promise<SweepResult> => {
    const result = await finishSweep(input, {
      sweep: deps.sweepStore, planRequests: deps.planRequests, publish: (events) => deps.bus.putEvents(events),
      setHealth: (sums, now) => deps.health.setCells(sums, toDay(now)),
      toleratedFailurePercentage: deps.config.evaluation.toleratedFailurePercentage,
    });
    metrics.addMetric('PositionsEvaluated', 'Count', result.evaluated);
    metrics.addMetric('PositionsAtRisk', 'Count', result.positionsAtRisk);
    metrics.addMetric('Stockouts', 'Count', result.stockouts);
    metrics.addMetric('OverstockValue', 'None', Math.round(result.overstockValue));
    metrics.addMetric('SweepSegmentsUnfinished', 'Count', result.unfinishedSegments.length);
    logger.info('sweep finished', { ...result });
    return result;
  };
  const whole = async (deps: HubServices): Promise<SweepResult> => {
    const p = await plan(deps);
    return runSweep(p, { segment: (input) => segment(deps, input), finish: (input) => finish(deps, input) });
  };
  return {
    handler: middy(async (event: unknown, context: Context): Promise<SweepPlan | SegmentResult | SweepResult> => {
      const deps = await services();
      const request = sweepRequest.parse(event ?? {});
      if (request.action === 'plan') return plan(deps);
      if (request.action === 'segment') return segment(deps, request, context);
      if (request.action === 'finish') return finish(deps, request);
      return whole(deps);
    }).use(injectLambdaContext(logger)).use(logMetrics(metrics)),
    /** The whole run in this process, as the local hub's scheduler fires it. */
    runInProcess: async (): Promise<SweepResult> => whole(await services()),
  };
}

export const { handler } = createEvaluateSweepHandler(awsServices);
