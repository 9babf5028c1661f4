// The daily sweep, fanned out: a plan splits the table into parallel-scan segments, each segment worker pages through
// its segment (evaluating, reconciling alerts, checkpointing after every page, so a retry resumes where it stopped),
// and a finish step merges the workers' totals, writes the day's replenishment requests once each and sets the
// stock-health cells to the sums the workers counted.
import type { EvaluationConfig } from '../config.js';
import { mergeSums, type CellSums } from '../health/model.js';
import { sweepSums } from '../health/sink.js';
import type { Item } from '../model.js';
import type { ReplenishDecision } from '../replenishment/request.js';
import { evaluateLoaded, type EvaluationPorts, type EvaluationReport, type LoadedPosition } from './pipeline.js';

/** Where a segment's scan resumes: an opaque key from the store. */
export type ScanKey = Record<string, unknown>;

export interface SegmentPage {
  positions: LoadedPosition[];
  /** Where the next page starts; undefined when the segment is done. */
  next?: ScanKey;
}

/** What the sweep's workers count; partial totals of segments add up to the run's. */
export interface SweepTotals {
  evaluated: number;
  skipped: number;
  failed: number;
  findings: number;
  /** Stock health for the dashboard: positions projected to run out, out of stock, and capital in overstock. */
  positionsAtRisk: number;
  stockouts: number;
  overstockValue: number;
  events: number;
}

export const emptyTotals = (): SweepTotals => ({ evaluated: 0, skipped: 0, failed: 0, findings: 0, positionsAtRisk: 0, stockouts: 0, overstockValue: 0, events: 0 });

export function addTotals(a: SweepTotals, b: SweepTotals): SweepTotals {
  const out = emptyTotals();
  for (const k of Object.keys(out) as (keyof SweepTotals)[]) out[k] = a[k] + b[k];
  return out;
}

export function totalsOf(report: EvaluationReport): SweepTotals {
  const t = emptyTotals();
  t.evaluated = report.evaluated.length;
  t.skipped = report.skipped.length;
  t.failed = report.failed.length;
  t.events = report.events.length;
  for (const { decision } of report.evaluated) {
    t.findings += decision.alerts.length;
    if (decision.alerts.some((f) => f.type === 'STOCKOUT_RISK')) t.positionsAtRisk++;
    if (decision.alerts.some((f) => f.type === 'STOCKOUT')) t.stockouts++;
    for (const f of decision.alerts) if (f.type === 'OVERSTOCK') t.overstockValue += Number(f.facts?.capitalTiedUp ?? 0);
  }
  return t;
}

/** A replenish decision with the item fields consolidation needs, so the finish step reads nothing again. */
export interface SweepDecision extends ReplenishDecision {
  item: Pick<Item, 'sku' | 'unitCost'> & Partial<Pick<Item, 'category' | 'packSize' | 'moq' | 'name'>>;
}

export interface SegmentCheckpoint {
  runId: string;
  segment: number;
  totalSegments: number;
  /** Pages done so far; also the number of the next decisions chunk. */
  pages: number;
  next?: ScanKey;
  done: boolean;
  totals: SweepTotals;
}

export interface SweepPlan {
  runId: string;
  /** The run's clock: every worker evaluates as of this instant, whenever it runs. */
  now: string;
  totalSegments: number;
  segments: number[];
  maxConcurrency: number;
}

export interface SweepStore {
  scanSegment(segment: number, totalSegments: number, start?: ScanKey): Promise<SegmentPage>;
  getCheckpoint(runId: string, segment: number): Promise<SegmentCheckpoint | undefined>;
  /**
   * Stores the checkpoint with the page's decisions and stock-health sums, together (a retry never counts a page twice
   * or loses one); false when a later checkpoint of the segment is already stored (another worker overtook this one).
   */
  saveCheckpoint(checkpoint: SegmentCheckpoint, page: { decisions: readonly SweepDecision[]; health: readonly CellSums[] }): Promise<boolean>;
  listCheckpoints(runId: string): Promise<SegmentCheckpoint[]>;
  /** The replenish decisions and stock-health sums of every page checkpointed in the run, read together. */
  listPages(runId: string): Promise<{ decisions: SweepDecision[]; health: CellSums[] }>;
  /** Positions the last finished sweep saw, or an estimate from the table's size; sizes the next fan-out. */
  estimatePositions(): Promise<number>;
  saveLastSweep(last: { runId: string; positions: number; finishedAt: string; totals: SweepTotals }): Promise<void>;
}

/** Segments and concurrency: from config, else one segment per positionsPerSegment positions. */
export function planSweep(input: { runId: string; now: Date; positions: number; config: EvaluationConfig }): SweepPlan {
  const { config } = input;
  const totalSegments = config.segments ?? Math.min(1000, Math.max(1, Math.ceil(input.positions / config.positionsPerSegment)));
  return {
    runId: input.runId, now: input.now.toISOString(), totalSegments,
    segments: Array.from({ length: totalSegments }, (_, i) => i), maxConcurrency: Math.min(config.maxConcurrency, totalSegments),
  };
}

export interface SegmentInput { runId: string; now: string; segment: number; totalSegments: number }

export interface SegmentDeps<E> {
  sweep: SweepStore;
  /** Evaluation with the alert lifecycle as its sink (requests are written by the finish step). */
  evaluation: EvaluationPorts<E>;
  /** True when the worker should checkpoint and hand back (its time is nearly up); the caller invokes it again. */
  shouldStop?: () => boolean;
}

/** Pages a worker has between read and checkpoint at once: one evaluating while others wait on their writes. */
const PAGES_IN_FLIGHT = 3;

/**
 * Works through one segment from its last checkpoint. The next page is read while one is evaluated, and up to
 * PAGES_IN_FLIGHT pages overlap their alert reads and writes; checkpoints (scan position, totals, replenish decisions)
 * are stored strictly in page order, each after its page's writes.
 */
export async function sweepSegment<E>(input: SegmentInput, deps: SegmentDeps<E>): Promise<SegmentCheckpoint> {
  const { runId, segment, totalSegments } = input;
  const now = new Date(input.now);
  let checkpoint = await deps.sweep.getCheckpoint(runId, segment)
    ?? { runId, segment, totalSegments, pages: 0, done: false, totals: emptyTotals() };
  if (checkpoint.done) return checkpoint;
  const quiet = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined); // awaited later (or abandoned on an early stop); never an unhandled rejection
    return p;
  };
  let overtaken = false;
  let nextPage = quiet(deps.sweep.scanSegment(segment, totalSegments, checkpoint.next));
  let chain: Promise<void> = Promise.resolve();
  const window: Promise<void>[] = [];
  const started: Promise<unknown>[] = [];
  try {
    for (;;) {
      const page = await nextPage;
      if (page.next) nextPage = quiet(deps.sweep.scanSegment(segment, totalSegments, page.next));
      const work = quiet(evaluateLoaded(page.positions, deps.evaluation, now));
      started.push(work);
      const last = !page.next || deps.shouldStop?.() === true;
      chain = quiet(chain.then(async () => {
        const report = await work;
        if (overtaken) return;
        const decisions: SweepDecision[] = report.evaluated.flatMap(({ position, item, decision }) => (decision.replenish && item ? [{
          sku: position.sku, location: position.locationId, replenish: decision.replenish,
          item: { sku: item.sku, unitCost: item.unitCost, ...pick(item) },
        }] : []));
        const next: SegmentCheckpoint = {
          ...checkpoint, pages: checkpoint.pages + 1, done: !page.next, totals: addTotals(checkpoint.totals, totalsOf(report)),
          ...(page.next ? { next: page.next } : { next: undefined }),
        };
        // The page's health sums go with its checkpoint: a page evaluated again after a kill counts once.
        if (await deps.sweep.saveCheckpoint(next, { decisions, health: sweepSums(page.positions, report.evaluated, now) })) checkpoint = next;
        else overtaken = true;
      }));
      window.push(chain);
      if (window.length >= PAGES_IN_FLIGHT) await window.shift();
      if (last || overtaken) break;
    }
    await chain;
  } catch (error) {
    // Let the pages already under way finish (their events published) before the retry reads them again.
    await Promise.allSettled(started);
    throw error;
  }
  return overtaken ? (await deps.sweep.getCheckpoint(runId, segment)) ?? checkpoint : checkpoint;
}

const pick = (item: Item): Partial<Pick<Item, 'category' | 'packSize' | 'moq'>> => ({
  ...(item.category !== undefined ? { category: item.category } : {}),
  ...(item.packSize !== undefined ? { packSize: item.packSize } : {}),
  ...(item.moq !== undefined ? { moq: item.moq } : {}),
});

/** The run's totals from every segment's checkpoint, and the segments that did not finish. */
export function mergeCheckpoints(plan: Pick<SweepPlan, 'totalSegments'>, checkpoints: readonly SegmentCheckpoint[]): { totals: SweepTotals; unfinished: number[] } {
  const done = new Map(checkpoints.map((c) => [c.segment, c]));
  const unfinished = Array.from({ length: plan.totalSegments }, (_, i) => i).filter((i) => !done.get(i)?.done);
  return { totals: checkpoints.reduce((t, c) => addTotals(t, c.totals), emptyTotals()), unfinished };
}

/** Items keyed by SKU from the decisions (what consolidation reads of the item master). */
export function decisionItems(decisions: readonly SweepDecision[]): Map<string, Item> {
  return new Map(decisions.map((d) => [d.item.sku, d.item as Item]));
}

export interface FinishDeps<E> {
  sweep: SweepStore;
  /** Writes the run's requests from every segment's decisions (one write per request) and returns their events. */
  planRequests: (decisions: readonly SweepDecision[], items: ReadonlyMap<string, Item>, now: Date) => Promise<E[]>;
  publish: (events: E[]) => Promise<void>;
  /** Sets the stock-health cells to the run's sums (the fill figures are the run's day's); returns the cells written. */
  setHealth: (sums: readonly CellSums[], now: Date) => Promise<number>;
}

export interface SweepResult extends SweepTotals {
  runId: string;
  segments: number;
  /** Segments that did not finish (their positions were not all evaluated). */
  unfinishedSegments: number[];
  /** Whether the unfinished share is within evaluation.toleratedFailurePercentage (else the run counts as failed). */
  withinTolerance: boolean;
  requestEvents: number;
  /** Stock-health cells set; 0 when a segment did not finish (the cells then keep the stream's differences). */
  healthCells: number;
}

/**
 * After every segment: merge the totals, write the day's requests, set the stock-health cells, remember the size for the
 * next plan. The cells are set only from a complete run: sums missing a segment would drop its positions.
 */
export async function finishSweep<E>(input: { runId: string; now: string; totalSegments: number }, deps: FinishDeps<E> & { toleratedFailurePercentage: number }): Promise<SweepResult> {
  const now = new Date(input.now);
  const { totals, unfinished } = mergeCheckpoints(input, await deps.sweep.listCheckpoints(input.runId));
  const { decisions, health } = await deps.sweep.listPages(input.runId);
  const events = await deps.planRequests(decisions, decisionItems(decisions), now);
  if (events.length) await deps.publish(events);
  const healthCells = unfinished.length === 0 ? await deps.setHealth(mergeSums(health), now) : 0;
  await deps.sweep.saveLastSweep({ runId: input.runId, positions: totals.evaluated + totals.skipped + totals.failed, finishedAt: now.toISOString(), totals });
  const withinTolerance = (100 * unfinished.length) / input.totalSegments <= deps.toleratedFailurePercentage;
  return { ...totals, runId: input.runId, segments: input.totalSegments, unfinishedSegments: unfinished, withinTolerance, requestEvents: events.length, healthCells };
}

/**
 * The whole plan in one process (the local hub, a direct invocation): the same segment workers as on AWS, at most
 * plan.maxConcurrency at once, then the finish step.
 */
export async function runSweep(plan: SweepPlan, deps: { segment: (input: SegmentInput) => Promise<{ done: boolean }>; finish: (input: SweepPlan) => Promise<SweepResult> }): Promise<SweepResult> {
  const queue = [...plan.segments];
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      const input = { runId: plan.runId, now: plan.now, segment: s, totalSegments: plan.totalSegments };
      // A worker that hands back early (time budget) is invoked again, as the state machine's loop does; a failed
      // invocation is retried twice, as its Retry does, then the segment is left unfinished for finish to weigh.
      for (let failures = 0; ;) {
        try {
          if ((await deps.segment(input)).done) break;
        } catch {
          if (++failures > 2) break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: plan.maxConcurrency }, worker));
  const result = await deps.finish(plan);
  if (!result.withinTolerance) throw new SweepIncompleteError(result);
  return result;
}

/** More segments failed than evaluation.toleratedFailurePercentage allows. */
export class SweepIncompleteError extends Error {
  readonly code = 'SWEEP_INCOMPLETE';
  constructor(readonly result: SweepResult) {
    super(`Sweep ${result.runId}: segments ${result.unfinishedSegments.join(', ')} of ${result.segments} did not finish, more than evaluation.toleratedFailurePercentage allows; read the logs of those segments and run the sweep again.`);
    this.name = 'SweepIncompleteError';
  }
}
