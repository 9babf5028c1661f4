// Policy engine throughput: in-process positions/s (365 days of history each) and through `stocksentry evaluate` over JSONL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleDefaults } from '../shared/config.js';
import { seededRandom } from '../shared/random.js';
import { LEAD_TIME_WINDOW } from '../shared/engine/constants.js';
import { evaluatePosition, fastSnapshot, isoDay, positionSnapshot, type PositionSnapshot, type PositionSnapshotInput } from '../shared/engine/index.js';

const SEED = 20260501;
const POSITIONS = 20_000;
const HISTORY_DAYS = 365;
const RUNS = 5;
const CLI_LINES = 20_000;
const CLI_RUNS = 3;
const LAMBDA_SECONDS = 15 * 60;
const SWEEP_POSITIONS = 1_000_000;
/** Receipts in a busy supplier's scorecard (the hub passes all of them; the engine reads the newest LEAD_TIME_WINDOW). */
const LONG_SUPPLIER_HISTORY = 5_000;

/** A mix of smooth, weekly, intermittent and trending positions with inbound, open orders, lots and supplier history. */
function makeSnapshots(count: number): PositionSnapshotInput[] {
  const rng = seededRandom(SEED);
  const asOfDay = 20574; // 2026-05-01
  const out: PositionSnapshotInput[] = [];
  for (let p = 0; p < count; p++) {
    const shape = p % 4;
    const base = 2 + rng.next() * 40;
    const daily = new Array<number>(HISTORY_DAYS);
    for (let i = 0; i < HISTORY_DAYS; i++) {
      const mean = shape === 1 ? base * (i % 7 >= 5 ? 1.8 : 0.8) : shape === 2 ? (rng.next() < 0.2 ? base / 4 : 0) : shape === 3 ? base * (0.5 + i / HISTORY_DAYS) : base;
      daily[i] = rng.poisson(mean);
    }
    const lead = rng.pick([3, 5, 7, 10, 14]);
    out.push({
      asOf: isoDay(asOfDay), sku: `SKU-${p}`, location: `loc-${p % 50}`,
      onHand: Math.round(base * rng.next() * 20), reserved: Math.round(rng.next() * 3),
      inbound: rng.next() < 0.5 ? [{ qty: Math.round(base * 7), eta: isoDay(asOfDay + rng.int(1, lead)), supplierId: 'sup' }] : [],
      openOrders: rng.next() < 0.2 ? [{ qty: Math.round(base * 2), due: isoDay(asOfDay + rng.int(1, 20)) }] : undefined,
      demand: { start: isoDay(asOfDay - HISTORY_DAYS + 1), daily, outOfStock: rng.next() < 0.2 ? [100, 101, 102] : undefined },
      lots: rng.next() < 0.1 ? [{ qty: 20, receivedAt: isoDay(asOfDay - 200), expiresAt: isoDay(asOfDay + 20) }] : undefined,
      item: { unitCost: 1 + rng.next() * 50, packSize: rng.pick([1, 6, 12]), abcClass: rng.pick(['A', 'B', 'C'] as const) },
      supplier: { id: 'sup', leadTimeDays: lead, observedLeadTimes: [lead, lead + 1, lead + 2, lead - 1] },
    });
  }
  return out;
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1] as number;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Wall seconds of one `stocksentry evaluate` process fed `lines` (count = how many answers to expect). */
async function cliSeconds(lines: string, count: number): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-bench-'));
  const file = path.join(dir, 'snapshots.jsonl');
  writeFileSync(file, lines);
  const evaluateModule = pathToFileURL(fileURLToPath(new URL('../cli/commands/evaluate.ts', import.meta.url))).href;
  // The same wiring cli/main.ts uses: a commander program with the evaluate command registered.
  const entry = `import { Command } from 'commander'; import { register } from '${evaluateModule}'; const p = new Command('stocksentry'); register(p); await p.parseAsync(process.argv);`;
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'stocksentry', 'evaluate'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) });
    createReadStream(file).pipe(child.stdin);
    let answers = 0;
    child.stdout.on('data', (chunk: Buffer) => { for (const b of chunk) if (b === 10) answers++; });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0 || answers !== count) throw new Error(`evaluate exited ${code} after ${answers} of ${count} answers`);
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI's rate with and without its start-up (TypeScript loading), each the median of CLI_RUNS processes. */
async function cliThroughput(lines: string): Promise<{ total: number; steady: number; startupMs: number }> {
  const startups: number[] = [];
  const totals: number[] = [];
  for (let r = 0; r < CLI_RUNS; r++) {
    startups.push(await cliSeconds('', 0));
    totals.push(await cliSeconds(lines, CLI_LINES));
  }
  const startup = median(startups);
  const total = median(totals);
  return { total: CLI_LINES / total, steady: CLI_LINES / (total - startup), startupMs: startup * 1000 };
}

export default async function bench(): Promise<void> {
  const rules = ruleDefaults.parse({});
  const inputs = makeSnapshots(POSITIONS);
  const parsed: PositionSnapshot[] = inputs.map((s) => positionSnapshot.parse(s));
  const jsonl = inputs.slice(0, CLI_LINES).map((s) => JSON.stringify(s)).join('\n') + '\n';
  const bytesPerLine = jsonl.length / CLI_LINES;

  for (let w = 0; w < 2; w++) for (const s of parsed) evaluatePosition(s, rules); // warm-up: let the JIT settle
  const rates: number[] = [];
  let alerts = 0, orders = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    alerts = 0; orders = 0;
    for (const s of parsed) { const d = evaluatePosition(s, rules); alerts += d.alerts.length; if (d.replenish) orders++; }
    rates.push(POSITIONS / ((performance.now() - t0) / 1000));
  }
  const inProcess = median(rates);

  // The same positions given a busy supplier's scorecard: the newest LEAD_TIME_WINDOW receipts, then its whole history.
  // Beyond the window the cost per position must not grow with the history.
  const history = Array.from({ length: LONG_SUPPLIER_HISTORY }, (_, i) => 5 + (i % 7) + (i % 13 === 0 ? 9 : 0));
  const historyRate = (receipts: number[]): number => {
    const given = parsed.map((s) => ({ ...s, supplier: { ...s.supplier, observedLeadTimes: receipts } }));
    for (const s of given) evaluatePosition(s, rules);
    const rs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      for (const s of given) evaluatePosition(s, rules);
      rs.push(POSITIONS / ((performance.now() - t0) / 1000));
    }
    return median(rs);
  };
  const withWindow = historyRate(history.slice(-LEAD_TIME_WINDOW));
  const withBusySupplier = historyRate(history);

  const parseRates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (const line of jsonl.split('\n')) if (line) evaluatePosition(positionSnapshot.parse(JSON.parse(line)), rules);
    parseRates.push(CLI_LINES / ((performance.now() - t0) / 1000));
  }
  const withParse = median(parseRates);
  // What `evaluate` does per line: the hand-written check first, zod only for lines it does not vouch for.
  const fastRates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (const line of jsonl.split('\n')) if (line) { const raw: unknown = JSON.parse(line); evaluatePosition(fastSnapshot(raw) ?? positionSnapshot.parse(raw), rules); }
    fastRates.push(CLI_LINES / ((performance.now() - t0) / 1000));
  }
  const withFastParse = median(fastRates);
  const cli = await cliThroughput(jsonl);

  console.log(`positions: ${fmt(POSITIONS)} × ${HISTORY_DAYS} days history, seed ${SEED}; ${alerts} alerts and ${orders} orders in the last run`);
  console.log(`in-process evaluatePosition (pre-parsed):   ${fmt(inProcess)} positions/s (median of ${RUNS}; runs ${rates.map(fmt).join(', ')})`);
  console.log(`in-process, supplier history of ${LEAD_TIME_WINDOW} receipts: ${fmt(withWindow)} positions/s, of ${fmt(LONG_SUPPLIER_HISTORY)}: ${fmt(withBusySupplier)} positions/s (medians of 3); ${(withBusySupplier / withWindow).toFixed(2)}× and ${(withBusySupplier / inProcess).toFixed(2)}× the rates with ${LEAD_TIME_WINDOW} and 4 receipts`);
  console.log(`in-process JSON.parse + zod + evaluate:     ${fmt(withParse)} positions/s (median of 3); zod+JSON cost ${(1e6 / withParse - 1e6 / inProcess).toFixed(1)} µs/position`);
  console.log(`in-process JSON.parse + fastSnapshot + evaluate: ${fmt(withFastParse)} positions/s (median of 3); check+JSON cost ${(1e6 / withFastParse - 1e6 / inProcess).toFixed(1)} µs/position`);
  console.log(`CLI stocksentry evaluate over JSONL:        ${fmt(cli.steady)} positions/s after start-up (${fmt(cli.startupMs)} ms); ${fmt(cli.total)} positions/s including it (${fmt(CLI_LINES)} lines, ${fmt(bytesPerLine)} bytes/line, medians of ${CLI_RUNS} processes)`);
  const compute = SWEEP_POSITIONS / inProcess;
  const parsedCompute = SWEEP_POSITIONS / withParse;
  console.log('1M-position sweep in one 15-minute Lambda (one vCPU ≈ one core here):');
  console.log(`  engine only:        1,000,000 / ${fmt(inProcess)} per s = ${compute.toFixed(1)} s = ${((compute / LAMBDA_SECONDS) * 100).toFixed(1)}% of ${LAMBDA_SECONDS} s`);
  console.log(`  with parsing:       1,000,000 / ${fmt(withParse)} per s = ${parsedCompute.toFixed(1)} s = ${((parsedCompute / LAMBDA_SECONDS) * 100).toFixed(1)}% of ${LAMBDA_SECONDS} s`);
  console.log(`  input volume:       1,000,000 × ${fmt(bytesPerLine)} B = ${((SWEEP_POSITIONS * bytesPerLine) / 1e9).toFixed(2)} GB of snapshots; reading that from DynamoDB, not the engine, bounds the sweep`);
  console.log(`  remaining budget for I/O: ${(LAMBDA_SECONDS - parsedCompute).toFixed(0)} s → ${fmt(SWEEP_POSITIONS / (LAMBDA_SECONDS - parsedCompute))} positions/s of reads needed`);
}
