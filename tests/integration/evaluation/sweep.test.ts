// The fanned-out sweep on DynamoDB Local: segments, checkpoints, a worker killed mid-segment and retried.
import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvaluateSweepHandler } from '../../../functions/evaluate-sweep.js';
import { hubServices, type HubServices } from '../../../functions/services.js';
import { DynamoEvaluationStore } from '../../../shared/adapters/dynamodb/evaluation-store.js';
import { DynamoSweepStore } from '../../../shared/adapters/dynamodb/sweep-store.js';
import type { BusEntry } from '../../../shared/alerts/ports.js';
import { parseHubConfig } from '../../../shared/config.js';
import { STATE_KEYS } from '../../../shared/health/model.js';
import { evaluatePositions, ReferenceCache } from '../../../shared/evaluation/pipeline.js';
import { planSweep, sweepSegment } from '../../../shared/evaluation/sweep.js';
import { generateRetail, retailConfig, seedRetail } from '../../fakes/retail.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';

const retail = generateRetail({ positions: 72, locations: 4, seed: 3 });
const config = parseHubConfig(retailConfig(retail, { evaluation: { segments: 3, maxConcurrency: 2 } }));
const now = new Date('2026-05-01T05:00:00Z');

class RecordingBus {
  entries: BusEntry[] = [];
  failNext = 0;
  async putEvents(entries: readonly BusEntry[]): Promise<void> {
    if (this.failNext > 0) { this.failNext--; throw new Error('bus unavailable'); }
    this.entries.push(...entries);
  }
}

/** A seeded table and the hub's services on it, scanning in small pages so a segment has several. */
async function hub(): Promise<{ table: TestTable; services: HubServices; bus: RecordingBus }> {
  const table = await createTestTable();
  await seedRetail(table.doc, table.tableName, retail);
  const bus = new RecordingBus();
  const base = hubServices({ config, doc: table.doc, tableName: table.tableName, bus, clock: { now: () => now } });
  const evaluationStore = new DynamoEvaluationStore(table.doc, table.tableName, base.store, 30);
  const services: HubServices = {
    ...base, evaluationStore, sweepStore: new DynamoSweepStore(table.doc, table.tableName, evaluationStore, () => now),
    sweepEvaluation: { ...base.sweepEvaluation, store: evaluationStore },
  };
  // The SKUs' transfer boards as an earlier evaluation of the day left them. Named transfers pair a position with what
  // the other locations last stored, so on a table never evaluated they would depend on which pages ran first.
  await evaluatePositions(retail.positions, { store: evaluationStore, config, clock: { now: () => now } });
  return { table, services, bus };
}

/** Stops the process-equivalent: the next call matching `when` throws, once. */
function killOnce(table: TestTable, when: (op: string, input: Record<string, unknown>) => boolean): { fired: () => boolean } {
  let fired = false;
  table.doc.middlewareStack.add((next, context) => async (args) => {
    if (!fired && when(String(context.commandName).replace(/Command$/, ''), args.input as Record<string, unknown>)) {
      fired = true;
      throw new Error('worker killed');
    }
    return next(args);
  }, { step: 'initialize', name: `kill-${Math.random()}` });
  return { fired: () => fired };
}

/** The page number of a segment checkpoint being written (a put alone, or with the page's decisions in a transaction). */
function checkpointPages(op: string, input: Record<string, unknown>): number | undefined {
  const puts = op === 'PutItem' ? [input] : op === 'TransactWriteItems' ? (input.TransactItems as { Put?: Record<string, unknown> }[]).flatMap((t) => (t.Put ? [t.Put] : [])) : [];
  const item = puts.map((p) => p.Item as { pk?: string; sk?: string; pages?: number }).find((i) => String(i.pk).startsWith('SWEEP#') && String(i.sk).startsWith('SEG#'));
  return item?.pages;
}

async function state(table: TestTable) {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const alerts = rows.filter((r) => r.entity === 'alert').map((r) => `${String(r.fingerprint)} ${String(r.state)} v${String(r.version)}`).sort();
  const requests = rows.filter((r) => r.entity === 'request').map((r) => `${String(r.idempotencyKey)} r${String(r.revision)} ${JSON.stringify((r.lines as { sku: string; qty: number }[]).map((l) => [l.sku, l.qty]))}`).sort();
  const digests = rows.filter((r) => r.entity === 'positionAlerts');
  // Stock health: each cell's sums (every field, with the fill figures by day), their state fields, and the same state
  // fields recomputed from the contributions stored beside the positions.
  const cells: Record<string, Record<string, number>> = {};
  const cellStates: Record<string, Record<string, number>> = {};
  const fromPositions: Record<string, Record<string, number>> = {};
  const add = (to: Record<string, Record<string, number>>, cell: string, values: Record<string, unknown>) => {
    const c = (to[cell] ??= {});
    for (const [k, x] of Object.entries(values)) if (typeof x === 'number' && x) c[k] = Math.round(((c[k] ?? 0) + x) * 1e4) / 1e4;
  };
  for (const r of rows.filter((r) => r.entity === 'healthFill')) add(cells, `CELL#${String(r.sk).slice('FILL#'.length)}`, r);
  for (const r of rows.filter((r) => r.entity === 'healthCell')) {
    add(cells, String(r.sk), r);
    add(cellStates, String(r.sk), Object.fromEntries(STATE_KEYS.map((k) => [k, r[k]])));
  }
  for (const r of rows.filter((r) => r.entity === 'positionHealth')) add(fromPositions, `CELL#${String(r.locationId)}#${String(r.category)}`, r.vector as Record<string, number>);
  return { alerts, requests, digests, audit: rows.filter((r) => r.entity === 'alertEvent').length, cells, cellStates, fromPositions };
}

let contributionWrites = 0;

const eventIds = (bus: RecordingBus) => bus.entries.map((e) => String((e.detail as { id?: string; idempotencyKey?: string; revision?: number }).id ?? `${String(e.detail.idempotencyKey)}@${String(e.detail.revision)}:${e.detailType}`));

describe('the fanned-out sweep', { timeout: 120_000 }, () => {
  let clean: Awaited<ReturnType<typeof hub>>;
  let cleanState: Awaited<ReturnType<typeof state>>;
  let cleanEvents: string[];

  beforeAll(async () => {
    clean = await hub();
    await createEvaluateSweepHandler(async () => clean.services).runInProcess();
    cleanState = await state(clean.table);
    cleanEvents = eventIds(clean.bus).sort();
  }, 180_000);

  it('evaluates every position once across its segments, merges their totals and writes each request once', async () => {
    const { services, bus, table } = clean;
    const last = await table.doc.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SWEEP' } }));
    expect(last.Items?.[0]).toMatchObject({ positions: retail.positions.length, totals: { evaluated: retail.positions.length, failed: 0 } });
    expect(cleanState.alerts.length).toBeGreaterThan(5);
    // Every evaluated position now has a complete digest; every event went out once.
    expect(cleanState.digests).toHaveLength(retail.positions.length);
    expect(cleanState.digests.every((d) => d.complete === true && !Object.keys(d).some((k) => k.startsWith('E#')))).toBe(true);
    const ids = eventIds(bus);
    expect(new Set(ids).size).toBe(ids.length);
    expect(bus.entries.filter((e) => e.detailType === 'AlertRaised')).toHaveLength(cleanState.alerts.length);
    // One request per supplier × store × day, holding every line of it.
    expect(cleanState.requests.length).toBeGreaterThan(3);
    expect(new Set(cleanState.requests.map((r) => r.split(' ')[0])).size).toBe(cleanState.requests.length);
    expect(cleanState.requests.every((r) => r.includes(' r1 '))).toBe(true);
    // Stock health: every position counted once in its cell, the cells' state fields equal the sum of the stored
    // contributions, and the calendar's fields (the day's fill, cost of demand, stock age) are there too.
    expect(Object.values(cleanState.cells).reduce((n, c) => n + (c.positions ?? 0), 0)).toBe(retail.positions.length);
    expect(Object.keys(cleanState.cells).length).toBeGreaterThan(1);
    expect(cleanState.cellStates).toEqual(cleanState.fromPositions);
    expect(Object.values(cleanState.cells).every((c) => c.cogsPerDay! > 0 && c['fd:2026-05-01']! > 0)).toBe(true);
    // The same day again changes nothing.
    const before = bus.entries.length;
    await createEvaluateSweepHandler(async () => services).runInProcess();
    expect(bus.entries.slice(before).filter((e) => e.detailType.startsWith('Alert'))).toEqual([]);
    const again = await state(table);
    expect(again.requests).toEqual(cleanState.requests);
    expect(again.cells).toEqual(cleanState.cells);
  });

  it('sets cells a lost difference had left wrong back to the sum of the contributions', async () => {
    const { services, table } = clean;
    const [cell] = Object.keys(cleanState.cells);
    // A stream batch killed after writing its contributions and before adding its differences leaves a cell off.
    await table.doc.send(new UpdateCommand({ TableName: table.tableName, Key: { pk: 'HEALTH', sk: cell }, UpdateExpression: 'ADD positions :n, stockValue :v', ExpressionAttributeValues: { ':n': -3, ':v': 99 } }));
    expect((await state(table)).cellStates).not.toEqual(cleanState.fromPositions);
    await createEvaluateSweepHandler(async () => services).runInProcess();
    const healed = await state(table);
    expect(healed.cellStates).toEqual(healed.fromPositions);
    expect(healed.cells).toEqual(cleanState.cells);
  });

  it.each([
    ['at a page checkpoint, after its alerts and health contributions were written and published', (op: string, input: Record<string, unknown>) => checkpointPages(op, input) === 2],
    ['while writing a page\'s health contributions', (op: string, input: Record<string, unknown>) => op === 'TransactWriteItems'
      && (input.TransactItems as { Put?: { Item?: { entity?: string } } }[]).some((t) => t.Put?.Item?.entity === 'positionHealth') && ++contributionWrites === 3],
    ['between writing a page\'s alerts and publishing their events', undefined],
  ])('killed %s and retried, ends with the same alerts, events and requests as an uninterrupted run', async (_label, when) => {
    const run = await hub();
    const kill = when ? killOnce(run.table, when) : undefined;
    if (!kill) run.bus.failNext = 1;
    await createEvaluateSweepHandler(async () => run.services).runInProcess();
    if (kill) expect(kill.fired()).toBe(true);
    expect(run.bus.failNext).toBe(0);
    const s = await state(run.table);
    expect(s.alerts).toEqual(cleanState.alerts);
    expect(s.requests).toEqual(cleanState.requests);
    expect(s.audit).toBe(cleanState.audit);
    // The pages evaluated again count once: the cells equal the uninterrupted run's and the stored contributions.
    expect(s.cells).toEqual(cleanState.cells);
    expect(s.cellStates).toEqual(s.fromPositions);
    // Every event of the uninterrupted run, each exactly once.
    expect(eventIds(run.bus).sort()).toEqual(cleanEvents);
  });

  it('hands back when its time is up and resumes from the checkpoint without counting a page twice', async () => {
    const run = await hub();
    const plan = planSweep({ runId: 'resume', now, positions: retail.positions.length, config: { ...config.evaluation, segments: 1 } });
    const input = { runId: plan.runId, now: plan.now, segment: 0, totalSegments: 1 };
    const deps = { sweep: run.services.sweepStore, evaluation: { ...run.services.sweepEvaluation, cache: new ReferenceCache() } };
    let calls = 0;
    const first = await sweepSegment(input, { ...deps, shouldStop: () => ++calls >= 1 });
    expect(first.done).toBe(false);
    expect(first.totals.evaluated).toBeGreaterThan(0);
    expect(first.totals.evaluated).toBeLessThan(retail.positions.length);
    let last = first;
    while (!last.done) last = await sweepSegment(input, deps);
    expect(last.totals.evaluated).toBe(retail.positions.length);
    expect(last.pages).toBeGreaterThan(first.pages);
  });
});
