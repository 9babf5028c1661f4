// Scale: the fanned-out sweep and the stream path against DynamoDB Local with a fixed latency added to every call
// (a client middleware standing in for the network hop on AWS). Prints positions/s, DynamoDB calls per position by
// operation, calls in flight, and minutes for 50k/250k/1M positions extrapolated with the default fan-out.
import os from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createEvaluateChangesHandler } from '../functions/evaluate-changes.js';
import { hubServices, type HubServices } from '../functions/services.js';
import { createHubTable, documentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoInventoryStore, positionItem } from '../shared/adapters/dynamodb/inventory-store.js';
import type { BusEntry } from '../shared/alerts/ports.js';
import { evaluationConfig, parseHubConfig, type HubConfig } from '../shared/config.js';
import { EVALUATION_STREAM } from '../shared/evaluation/changes.js';
import { ReferenceCache } from '../shared/evaluation/pipeline.js';
import { finishSweep, planSweep, sweepSegment, type SweepResult } from '../shared/evaluation/sweep.js';
import type { Position } from '../shared/model.js';
import { toDay } from '../shared/time.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { positionRecords, StreamPoller } from '../infra/local/stream-poller.js';
import { generateRetail, retailConfig, seedRetail, type Retail } from '../tests/fakes/retail.js';
import { instrument, type CallStats } from '../tests/support/dynamo-calls.js';
import { countCapacity, type CapacityStats } from '../tests/support/dynamo-capacity.js';
import { cpuSecondsOf } from '../tests/support/processes.js';

const POSITIONS = Number(process.env.BENCH_SCALE_POSITIONS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5);
const BACKLOG = Math.min(POSITIONS, Number(process.env.BENCH_BACKLOG ?? 10_000));
/** `sweep` or `stream` runs only that part (the other still seeds); default both. */
const ONLY = process.env.BENCH_SCALE_ONLY;
/** Stream batch sizes to drain the backlog with, one pass each (the stack's event source mapping uses the first). */
const STREAM_BATCHES = (process.env.BENCH_STREAM_BATCH ?? String(EVALUATION_STREAM.batchSize)).split(',').map(Number);
const SWEEP_DAYS = 3;
const SEED = 15;
const AS_OF = '2026-05-01';
const EXTRAPOLATE = [50_000, 250_000, 1_000_000];
/** Seconds the state machine adds around the workers (start, plan, Map set-up, cold starts). */
const ORCHESTRATION_SECONDS = 10;

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;
const perPosition = (stats: CallStats, n: number): string =>
  Object.entries(stats.byOperation).sort(([a], [b]) => a.localeCompare(b)).map(([op, c]) => `${op} ${(c / n).toFixed(4)}${process.env.BENCH_CALL_MS ? ` @${fmt((stats.msByOperation[op] ?? 0) / c, 1)}ms` : ''}`).join(', ');

/** Request units DynamoDB reported, by operation and what it wrote, per position (what docs/cost.md prices). */
const capacityOf = new WeakMap<CallStats, CapacityStats>();
const unitsPerPosition = (stats: CallStats, n: number): string => {
  const units = capacityOf.get(stats)?.units ?? {};
  const total = Object.values(units).reduce((a, b) => a + b, 0);
  return `${(total / n).toFixed(4)} request units/position (${Object.entries(units).sort(([a], [b]) => a.localeCompare(b)).map(([k, u]) => `${k} ${(u / n).toFixed(4)}`).join(', ')})`;
};

class CountingBus {
  events = 0;
  async putEvents(entries: readonly BusEntry[]): Promise<void> { this.events += entries.length; }
}

interface Measured {
  seconds: number; positions: number; calls: number; stats: string; units: string; maxInFlight: number; avgInFlight: number; retries: number;
  /** CPU this process spent (user + system), excluding DynamoDB Local's JVM. */
  cpuSeconds: number;
  /** CPU DynamoDB Local's JVM spent meanwhile (the same two cores serve both). */
  jvmSeconds: number;
  result?: SweepResult;
}

/** DynamoDB Local's JVM, once started. */
let jvmPid = 0;
const jvmSeconds = (): number => (jvmPid ? cpuSecondsOf(jvmPid) ?? 0 : 0);

function measure<T>(stats: CallStats, positions: number, run: () => Promise<T>): Promise<Measured & { value: T }> {
  stats.reset();
  capacityOf.get(stats)?.reset();
  const cpu = process.cpuUsage();
  const jvm = jvmSeconds();
  const t0 = performance.now();
  return run().then((value) => {
    const used = process.cpuUsage(cpu);
    return {
      value, seconds: (performance.now() - t0) / 1000, positions, calls: stats.total(), stats: perPosition(stats, positions), units: unitsPerPosition(stats, positions),
      maxInFlight: stats.maxInFlight, avgInFlight: stats.averageInFlight(), retries: stats.retries, cpuSeconds: (used.user + used.system) / 1e6, jvmSeconds: jvmSeconds() - jvm,
    };
  });
}

/** One sweep as the state machine runs it, timed per phase: plan, segment workers (here one after another), finish. */
async function sweepOnce(services: HubServices, stats: CallStats, now: Date, positions: number): Promise<{ worker: Measured; finish: Measured }> {
  const plan = planSweep({ runId: `bench-${now.toISOString()}`, now, positions, config: services.config.evaluation });
  const worker = await measure(stats, positions, async () => {
    for (const segment of plan.segments) {
      const input = { runId: plan.runId, now: plan.now, segment, totalSegments: plan.totalSegments };
      while (!(await sweepSegment(input, { sweep: services.sweepStore, evaluation: { ...services.sweepEvaluation, cache: new ReferenceCache() } })).done);
    }
  });
  const finish = await measure(stats, positions, () => finishSweep(plan, { sweep: services.sweepStore, planRequests: services.planRequests, publish: (e) => services.bus.putEvents(e), setHealth: (sums, at) => services.health.setCells(sums, toDay(at)), toleratedFailurePercentage: 0 }));
  return { worker, finish: { ...finish, result: finish.value } };
}

function describe(label: string, m: Measured): void {
  const cpu = 1e6 * m.cpuSeconds / m.positions;
  console.log(`${label}: ${fmt(m.positions)} positions in ${m.seconds.toFixed(2)} s = ${fmt(m.positions / m.seconds)} positions/s; ${(m.calls / m.positions).toFixed(4)} calls/position (${m.stats}); in flight max ${m.maxInFlight}, avg ${m.avgInFlight.toFixed(1)}; SDK retries ${m.retries}; worker CPU ${fmt(cpu)} µs/position (CPU-bound rate ${fmt(1e6 / cpu)} positions/s), DynamoDB Local CPU ${fmt(1e6 * m.jvmSeconds / m.positions)} µs/position`);
  console.log(`  ${m.units}`);
}

/** Stream records of position changes, as DynamoDB Streams delivers them. */
function streamRecords(changes: { before: Position; after: Position }[], seq0: number): DynamoDBRecord[] {
  return changes.map(({ before, after }, i) => ({
    eventName: 'MODIFY',
    dynamodb: {
      SequenceNumber: String(seq0 + i),
      OldImage: marshall(positionItem(before), { removeUndefinedValues: true }) as never,
      NewImage: marshall(positionItem(after), { removeUndefinedValues: true }) as never,
    },
  }));
}

export default async function scaleBench(): Promise<void> {
  const dynamo = await startLocalDynamo();
  jvmPid = dynamo.pid;
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  const seedDoc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  try {
    const tableName = 'bench-scale';
    const streamArn = await createHubTable(client, tableName);
    const retail: Retail = generateRetail({ positions: POSITIONS, seed: SEED, asOf: AS_OF });
    const t0 = performance.now();
    await seedRetail(seedDoc, tableName, retail);
    console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`seeded ${fmt(retail.positions.length)} positions (${retail.items.length} SKUs × ${retail.locations.length} locations, 365 days of sales each, seed ${SEED}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${LATENCY_MS} ms added to every DynamoDB call below`);

    const bus = new CountingBus();
    const services = (config: HubConfig, latencyMs: number, clock: { now: () => Date }) => {
      // DynamoDB Local answers 500 when a transaction waits too long for its lock on a loaded machine (AWS would not):
      // more attempts keep such a hiccup from ending the run; the retries are counted and printed.
      const doc = documentClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS, maxAttempts: 8 });
      const stats = instrument(doc, { latencyMs });
      capacityOf.set(stats, countCapacity(doc));
      return { services: hubServices({ config, doc, tableName, bus, clock }), stats, doc };
    };
    const day = (n: number) => new Date(Date.parse(`${AS_OF}T05:00:00Z`) + n * 86_400_000);
    let today = day(0);
    const clock = { now: () => today };
    const config = parseHubConfig(retailConfig(retail, { evaluation: { segments: 1 } }));
    const hub = services(config, LATENCY_MS, clock);

    if (ONLY !== 'stream') {
      // 1) The sweep: the first after loading (every alert opened, every digest written), then daily ones.
      const first = await sweepOnce(hub.services, hub.stats, today, retail.positions.length);
      describe('first sweep, one worker (opens alerts, writes every digest)', first.worker);
      describe('  its finish step (requests)', first.finish);
      const r = first.finish.result!;
      console.log(`  findings ${fmt(r.findings)} (${(100 * r.findings / r.evaluated).toFixed(1)} per 100 positions), at risk ${fmt(r.positionsAtRisk)}, out of stock ${fmt(r.stockouts)}, events ${fmt(bus.events)}`);
      const daily: { worker: Measured; finish: Measured }[] = [];
      for (let d = 1; d <= SWEEP_DAYS; d++) {
        today = day(d);
        daily.push(await sweepOnce(hub.services, hub.stats, today, retail.positions.length));
      }
      const rates = daily.map((s) => s.worker.positions / s.worker.seconds);
      const mid = daily[rates.indexOf(median(rates))]!;
      describe(`daily sweep, one worker (median of ${SWEEP_DAYS} days: ${rates.map((x) => fmt(x)).join(', ')} positions/s)`, mid.worker);
      describe('  its finish step (requests)', mid.finish);
      const callsPerPosition = (mid.worker.calls + mid.finish.calls) / mid.worker.positions;
      console.log(`  sweep total ${callsPerPosition.toFixed(4)} DynamoDB calls/position (target ≤ 0.2); worker ${fmt(median(rates))} positions/s at ${LATENCY_MS} ms (target ≥ 1,000)`);

      // Baseline in the same run: the same worker with one call at a time (no overlap), one more day on.
      {
        today = day(SWEEP_DAYS + 1);
        const serialConfig = parseHubConfig(retailConfig(retail, { evaluation: { segments: 1, inFlight: 1 } }));
        const serial = services(serialConfig, LATENCY_MS, clock);
        const s = await sweepOnce(serial.services, serial.stats, today, retail.positions.length);
        describe('baseline: daily sweep with 1 call in flight', s.worker);
        console.log(`  overlap speed-up: ${(median(rates) / (s.worker.positions / s.worker.seconds)).toFixed(1)}×`);
        serial.doc.destroy();
      }

      // Extrapolation with the default fan-out (see docs/cost.md for the assumptions).
      const defaults = evaluationConfig.parse({});
      const workerRate = median(rates);
      const finishPerPosition = mid.finish.seconds / mid.worker.positions;
      console.log(`extrapolated with the default fan-out (positionsPerSegment ${fmt(defaults.positionsPerSegment)}, maxConcurrency ${defaults.maxConcurrency}), each worker at ${fmt(workerRate)} positions/s, finish at ${(finishPerPosition * 1e6).toFixed(1)} µs/position, ${ORCHESTRATION_SECONDS} s of orchestration:`);
      for (const n of EXTRAPOLATE) {
        const plan = planSweep({ runId: 'x', now: today, positions: n, config: defaults });
        const waves = Math.ceil(plan.totalSegments / plan.maxConcurrency);
        const seconds = ORCHESTRATION_SECONDS + waves * (n / plan.totalSegments) / workerRate + n * finishPerPosition;
        console.log(`  ${fmt(n)} positions: ${plan.totalSegments} segments, ${plan.maxConcurrency} at once, ${waves} wave(s) → ${(seconds / 60).toFixed(1)} min${n === 1_000_000 ? ' (target ≤ 10)' : ''}`);
      }

    }

    // 2) A stream batch of 100 changed positions, all at one store (they share request items), straight to the handler.
    const handler = createEvaluateChangesHandler(async () => hub.services);
    const invoke = (event: DynamoDBStreamEvent) => handler(event, lambdaContext());
    {
      const store = 'store-001';
      const atStore = retail.positions.filter((p) => p.locationId === store).slice(0, 100);
      const changes = atStore.map((p, i) => ({ before: p, after: { ...p, onHand: i % 2 ? 0 : Math.max(0, Math.floor(p.onHand / 4)), version: p.version + 1 } }));
      hub.stats.reset();
      capacityOf.get(hub.stats)?.reset();
      const t = performance.now();
      const out = await invoke({ Records: streamRecords(changes, 1) });
      const ms = performance.now() - t;
      console.log(`stream batch of ${changes.length} at ${store}: ${hub.stats.reads()} read calls (target ≤ 10), ${hub.stats.total() - hub.stats.reads()} write calls (${perPosition(hub.stats, 1)}), ${hub.stats.conditionFailures} condition failures, ${out.batchItemFailures.length} records failed back (target 0), ${ms.toFixed(0)} ms; ${unitsPerPosition(hub.stats, changes.length)}`);
    }

    // 3) A backlog of changes on the real stream, drained by the local poller through the same handler.
    {
      const inventory = new DynamoInventoryStore(seedDoc, tableName);
      let target: (event: DynamoDBStreamEvent) => Promise<unknown> = async () => undefined;
      const changed = retail.positions.slice(0, BACKLOG);
      const read: Record<string, string> = {}; // where the passes' pollers stopped, so each starts after the last
      for (const [pass, batchSize] of STREAM_BATCHES.entries()) {
        // As the stack's event source mapping: position items only, its batches of a shard at once.
        const poller = new StreamPoller({ client: streams, streamArn: streamArn!, handler: async (e) => (await target(e)) as never, onDeadLetter: async () => undefined, filter: positionRecords, batchSize, parallelization: EVALUATION_STREAM.parallelization,
          positions: { load: () => ({ ...read }), save: (p) => Object.assign(read, p) } });
        target = async () => undefined;
        await poller.drain(); // what seeding, the sweeps and earlier passes wrote
        await inventory.upsertPositions('shop', changed.map((p, i) => ({ sku: p.sku, locationId: p.locationId, onHand: p.onHand + 1 + ((i + pass) % 3) + pass })), today);
        target = invoke;
        const before = poller.stats.records;
        const m = await measure(hub.stats, 1, () => poller.drain());
        const records = poller.stats.records - before;
        const cpu = 1e6 * m.cpuSeconds / records;
        const callMs = Object.values(hub.stats.msByOperation).reduce((a, b) => a + b, 0);
        console.log(`stream backlog, batches of ${batchSize}: ${fmt(records)} changed positions drained in ${m.seconds.toFixed(1)} s = ${fmt(records / m.seconds)} positions/s (target ≥ 500); ${(m.calls / records).toFixed(3)} calls/position (${perPosition(hub.stats, records)}), ${poller.stats.batches} batches, ${poller.stats.deadLettered} dead-lettered, ${hub.stats.conditionFailures} condition failures; in flight max ${m.maxInFlight}, avg ${m.avgInFlight.toFixed(1)}; handler CPU ${fmt(cpu)} µs/position (CPU-bound rate ${fmt(1e6 / cpu)} positions/s), DynamoDB Local CPU ${fmt(1e6 * m.jvmSeconds / records)} µs/position (both on ${os.cpus().length} cores: at most ${fmt(os.cpus().length * 1e6 / (cpu + 1e6 * m.jvmSeconds / records))} positions/s); table calls ${fmt(callMs / m.calls, 1)} ms each on average (${LATENCY_MS} ms of it added); ${unitsPerPosition(hub.stats, records)}`);
      }
      // What DynamoDB Local takes on this machine right now: plain puts of position-sized items, 16 at a time.
      const puts = changed.slice(0, Math.min(2000, changed.length));
      hub.stats.reset();
      const p = await measure(hub.stats, puts.length, async () => {
        for (let i = 0; i < puts.length; i += 16) {
          await Promise.all(puts.slice(i, i + 16).map((x) => hub.doc.send(new PutCommand({ TableName: tableName, Item: { ...positionItem(x), pk: `BENCH#${x.sku}#${x.locationId}`, sk: 'PUT', entity: 'bench' } }))));
        }
      });
      console.log(`baseline, DynamoDB Local plain puts at 16 in flight: ${fmt(puts.length / p.seconds)} puts/s, ${fmt(Object.values(hub.stats.msByOperation).reduce((a, b) => a + b, 0) / p.calls, 1)} ms per call (${LATENCY_MS} ms of it added); DynamoDB Local CPU ${fmt(1e6 * p.jvmSeconds / puts.length)} µs/put, this process ${fmt(1e6 * p.cpuSeconds / puts.length)} µs/put`);
    }
    hub.doc.destroy();
  } finally {
    client.destroy();
    seedDoc.destroy();
    streams.destroy();
    await dynamo.stop();
  }
}

function lambdaContext() {
  return {
    functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:local:0:function:bench', memoryLimitInMB: '1024',
    awsRequestId: 'bench', logGroupName: 'bench', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 900_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}
