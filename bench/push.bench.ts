// Push ingestion on the local hub with the demo retailer (200 SKUs × 4 locations): HTTP push → alert in outbox/
// latency, movements/s taken into the table (concurrent senders vs one sender, the baseline), and the drift the next
// pull finds. Fixed seeds; figures printed, never pass/fail.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyPush } from '../connectors/push/apply.js';
import { runSync } from '../connectors/sdk/sync.js';
import { applyDeps } from '../functions/push-apply.js';
import { hubServices } from '../functions/services.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LocalEventBus } from '../infra/local/bus.js';
import { LOCAL_AWS, startLocalDynamo } from '../infra/local/dynamodb.js';
import { startLocalHub, type LocalHub } from '../infra/local/runtime.js';
import { createHubTable } from '../shared/adapters/dynamodb/client.js';
import { fingerprint } from '../shared/alerts/model.js';
import type { HubConfigInput } from '../shared/config.js';
import { seededRandom } from '../shared/random.js';
import { instrument } from '../tests/support/dynamo-calls.js';
import { cpuSecondsOf } from '../tests/support/processes.js';

const SEED = 17;
const LATENCY_TRIALS = Number(process.env.BENCH_PUSH_TRIALS ?? 40);
const BURST = Number(process.env.BENCH_PUSH_MOVEMENTS ?? 20_000);
const BATCH = 500;
const SENDERS = 8;
/** Bursts measured one after another (the median is quoted). */
const BURSTS = 3;
const SECRET = 'bench-pos-secret';

/** The demo, plus a POS pushing movements, with notifications sent as soon as an alert opens (group_wait 0). */
const configure = (config: HubConfigInput): HubConfigInput => ({
  ...config,
  push: { sources: [{ name: 'pos', secret: { env: 'BENCH_POS_SECRET' } }] },
  alerting: { ...config.alerting, route: { groupWait: '0s', groupInterval: '0s', routes: config.routes as never } },
});

function signed(body: string): Record<string, string> {
  const t = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/json', 'stocksentry-signature': `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}` };
}

async function post(hub: LocalHub, movements: unknown[]): Promise<number> {
  const body = JSON.stringify({ movements });
  const res = await fetch(`${hub.apiUrl}/push/movements/pos`, { method: 'POST', body, headers: signed(body) });
  await res.arrayBuffer();
  return res.status;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until an SMS for `location` (its id or the name messages call it) lands in the outbox after byte `from` of
 * sms.txt: trials run one at a time, so the first such message is the one the push caused (a group's SMS may name only
 * its worst alert).
 */
async function smsAbout(outbox: string, from: number, location: string[], timeoutMs = 30_000): Promise<boolean> {
  const file = path.join(outbox, 'sms.txt');
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (existsSync(file) && statSync(file).size > from) {
      const lines = readFileSync(file, 'utf8').slice(from).split('\n');
      if (lines.some((l) => location.some((name) => l.includes(name)))) return true;
    }
    await sleep(2);
  }
  return false;
}

export default async function pushBench(): Promise<void> {
  process.env.BENCH_POS_SECRET = SECRET;
  const outbox = mkdtempSync(path.join(tmpdir(), 'push-bench-'));
  const dynamo = await startLocalDynamo();
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  const hub = await startLocalHub({ outbox, configureDemo: configure, dynamoEndpoint: dynamo.endpoint });
  try {
    const t0 = performance.now();
    await hub.runOnce();
    console.log(`demo retailer synced and evaluated in ${((performance.now() - t0) / 1000).toFixed(1)} s (${hub.demo!.retailer.positions.length} positions)`);
    const rng = seededRandom(SEED);

    // 1) Latency: a healthy store position counted empty → STOCKOUT → SMS in outbox/, one at a time.
    const healthy = [...hub.demo!.retailer.conditions].filter(([key, c]) => c === 'healthy' && key.includes('@store-')).map(([key]) => key);
    const latencies: number[] = [];
    const missed: string[] = [];
    for (let i = 0; i < LATENCY_TRIALS && healthy.length > 0; i++) {
      const [sku, locationId] = healthy.splice(rng.int(0, healthy.length - 1), 1)[0]!.split('@') as [string, string];
      const smsFile = path.join(hub.outboxDir, 'sms.txt');
      const from = existsSync(smsFile) ? statSync(smsFile).size : 0;
      const start = performance.now();
      const status = await post(hub, [{ eventId: `lat-${i}`, type: 'count', sku, locationId, qty: 0, at: new Date().toISOString() }]);
      if (status === 202 && (await smsAbout(hub.outboxDir, from, [locationId, ...[hub.services.config.locations.find((l) => l.id === locationId)?.name ?? []].flat()]))) { latencies.push(performance.now() - start); continue; }
      const alert = await hub.services.alertStore.getAlert(fingerprint('STOCKOUT', sku, locationId));
      missed.push(`${sku}@${locationId}: HTTP ${status}, alert ${alert ? alert.state : 'not raised'}`);
    }
    latencies.sort((a, b) => a - b);
    console.log(`push → alert in outbox (count of 0 → STOCKOUT → SMS), ${latencies.length} trials: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms (target p95 < 2000 ms)${missed.length ? `; not in the outbox within 30 s: ${missed.join('; ')}` : ''}`);
    await hub.push.idle();

    // 2) Throughput: sales across the catalogue, popular SKUs selling more (fixed seed).
    const positions = hub.demo!.retailer.positions.map((p) => ({ sku: p.sku, locationId: p.locationId }));
    const weights = positions.map((_, i) => 1 / (1 + (i % 50)));
    const total = weights.reduce((a, b) => a + b, 0);
    const pick = () => {
      let r = rng.next() * total;
      for (let i = 0; i < positions.length; i++) if ((r -= weights[i]!) <= 0) return positions[i]!;
      return positions.at(-1)!;
    };
    const burst = (tag: string, n: number) => Array.from({ length: n }, (_, k) => ({ eventId: `${tag}-${k}`, type: 'sale', ...pick(), qty: 1, at: new Date(Date.now() - 60_000 + k).toISOString() }));
    const send = async (movements: unknown[], senders: number): Promise<{ seconds: number; refused: number; writes: number; cpu: string }> => {
      const batches = Array.from({ length: Math.ceil(movements.length / BATCH) }, (_, b) => movements.slice(b * BATCH, (b + 1) * BATCH));
      const writesBefore = hub.push.stats.writes;
      const cpu = process.cpuUsage();
      const jvm = cpuSecondsOf(dynamo.pid) ?? 0;
      const start = performance.now();
      let next = 0;
      let refused = 0;
      await Promise.all(Array.from({ length: senders }, async () => {
        while (next < batches.length) if ((await post(hub, batches[next++]!)) !== 202) refused++;
      }));
      const used = process.cpuUsage(cpu);
      // CPU per movement while sending: the hub (receiving, applying and any draining) and DynamoDB Local's JVM.
      const perMovement = (seconds: number) => `${Math.round(1e6 * seconds / movements.length)} µs`;
      return {
        seconds: (performance.now() - start) / 1000, refused, writes: hub.push.stats.writes - writesBefore,
        cpu: `CPU per movement: hub ${perMovement((used.user + used.system) / 1e6)}, DynamoDB Local ${perMovement((cpuSecondsOf(dynamo.pid) ?? jvm) - jvm)}`,
      };
    };
    // The applier alone on a table nobody reads (no stream consumer): its capacity when every movement waits at once.
    const alone = `${hub.services.tableName}-alone`;
    await createHubTable(client, alone);
    const aloneServices = hubServices({ config: hub.services.config, doc: hub.services.doc, tableName: alone, bus: new LocalEventBus(async () => undefined), clock: hub.services.clock });
    const aloneDeps = applyDeps(aloneServices);
    // The same positions as the hub's, as a pull left them: the applier changes positions, it does not create them.
    await aloneServices.store.upsertPositions('shop', hub.demo!.retailer.positions.map((p) => ({ sku: p.sku, locationId: p.locationId, onHand: p.onHand, reserved: p.reserved })), hub.services.clock.now());
    const aloneMovements = burst('alone', BURST);
    const aloneStart = performance.now();
    await applyPush(aloneDeps, Array.from({ length: BURST / BATCH }, (_, b) => ({ kind: 'movements', source: 'pos', receivedAt: new Date().toISOString(), movements: aloneMovements.slice(b * BATCH, (b + 1) * BATCH) })));
    const aloneSeconds = (performance.now() - aloneStart) / 1000;
    console.log(`applier alone (one group write, nothing reading the stream): ${BURST} movements in ${aloneSeconds.toFixed(1)} s = ${Math.round(BURST / aloneSeconds)} movements/s`);
    // What DynamoDB Local takes on this machine right now: plain puts, one per position, 16 at a time as the store writes.
    const plainStart = performance.now();
    for (let i = 0; i < positions.length; i += 16) {
      await Promise.all(positions.slice(i, i + 16).map((p) => hub.services.doc.send(new PutCommand({ TableName: alone, Item: { pk: `PLAIN#${p.sku}`, sk: p.locationId, onHand: 1 } }))));
    }
    const plainRate = positions.length / ((performance.now() - plainStart) / 1000);
    console.log(`baseline, DynamoDB Local plain puts: ${Math.round(plainRate)} puts/s (the applier's movements/s is ${(BURST / aloneSeconds / plainRate).toFixed(1)}× that)`);

    const single = await send(burst('one', BURST / 4), 1);
    await hub.push.idle();
    const rate = (n: number, s: number) => Math.round(n / s);
    console.log(`baseline, 1 sender: ${BURST / 4} movements in ${single.seconds.toFixed(1)} s = ${rate(BURST / 4, single.seconds)} movements/s into the table (${single.writes} group writes); ${single.cpu}`);
    // The burst BURSTS times, each after the hub drained the last: its rate varies from run to run, the median is quoted.
    const calls = instrument(hub.services.doc);
    const rates: number[] = [];
    for (let b = 1; b <= BURSTS; b++) {
      calls.reset();
      const msBefore = { ...hub.push.stats.ms };
      const many = await send(burst(`many${b}`, BURST), SENDERS);
      const burstCalls = Object.entries(calls.byOperation).map(([op, n]) => `${op} ${n}`).join(', ');
      rates.push(rate(BURST, many.seconds));
      console.log(`burst ${b}/${BURSTS}, ${SENDERS} senders × ${BATCH}-movement batches: ${BURST} movements in ${many.seconds.toFixed(1)} s = ${rates.at(-1)} movements/s into the table, ${many.writes} group writes, ${many.refused} batches refused; ${many.cpu}; DynamoDB calls while sending: ${burstCalls}`);
      const settleStart = performance.now();
      await hub.push.idle();
      const phase = (k: 'apply' | 'settle') => ((hub.push.stats.ms[k] - msBefore[k]) / 1000).toFixed(1);
      console.log(`  stream and bus drained ${((performance.now() - settleStart) / 1000).toFixed(1)} s after the last answer; time applying ${phase('apply')} s, draining the stream ${phase('settle')} s`);
    }
    const burstRate = rates.slice().sort((a, b) => a - b)[BURSTS >> 1]!;
    console.log(`burst, median of ${BURSTS}: ${burstRate} movements/s into the table (target ≥ 2000); ${(burstRate / rate(BURST / 4, single.seconds)).toFixed(1)}× the 1-sender baseline, ${(burstRate / plainRate).toFixed(1)}× the plain-put baseline (movements/s per put/s); totals: ${JSON.stringify(hub.push.stats.changes)}`);

    // 3) Drift: the shop catches up with every pushed sale except on 2% of positions, where it is off by 1–5 units.
    // First the shop's levels move as the sales happen there (as on a real shop, each change is a newer level the next
    // incremental pull reads), then the disagreement: else a level that returned to what the last pull read would
    // look unchanged to the shop's own change feed.
    const shop = hub.demo!.shopData;
    const pushedState = await Promise.all(shop.positions.map(async (p) => {
      const stored = await hub.services.store.getPosition(p.sku, p.locationId);
      return stored ? { ...p, onHand: stored.onHand, reserved: stored.reserved } : p;
    }));
    hub.demo!.shopify.update({ ...shop, positions: pushedState });
    let expectedPositions = 0;
    let expectedUnits = 0;
    const nextPositions = await Promise.all(shop.positions.map(async (p) => {
      const stored = await hub.services.store.getPosition(p.sku, p.locationId);
      if (!stored) return p;
      // Drift is counted only where pushes changed the position since the last pull.
      if ((stored.ledger?.pushed ?? 0) > 0 && rng.next() < 0.02) {
        const off = rng.int(1, 5);
        expectedPositions++;
        expectedUnits += off;
        return { ...p, onHand: stored.onHand + off, reserved: stored.reserved };
      }
      return { ...p, onHand: stored.onHand, reserved: stored.reserved };
    }));
    hub.demo!.shopify.update({ ...shop, positions: nextPositions });
    const shopConfig = hub.services.config.connectors.find((c) => c.name === 'shop')!;
    const report = await runSync({ config: shopConfig, store: hub.services.store, clock: hub.services.clock, credentials: hub.services.credentials, streams: ['positions'] });
    const drift = report.streams.find((s) => s.name === 'positions')?.drift ?? { positions: 0, units: 0 };
    console.log(`next pull of the shop: drift on ${drift.positions} positions, ${drift.units} units (the shop was made to disagree with the pushes on ${expectedPositions} positions by ${expectedUnits} units); the pull wins`);
  } finally {
    await hub.stop();
    client.destroy();
    await dynamo.stop();
    rmSync(outbox, { recursive: true, force: true });
  }
}
