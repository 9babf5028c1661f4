// `stocksentry explain`: every number behind the decision for one position of a snapshots JSONL file.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { formatPath, type RuleDefaults } from '../../shared/config.js';
import { evaluatePosition, positionSnapshot, type EngineDecision } from '../../shared/engine/index.js';
import { loadHubConfig } from '../../config/load.js';

export class SnapshotNotFoundError extends Error {
  readonly code = 'SNAPSHOT_NOT_FOUND';
  constructor(readonly sku: string, readonly location: string, readonly file: string) {
    super(`No snapshot for sku "${sku}" at location "${location}" in ${file}; check the spelling or run without --location to list matches.`);
    this.name = 'SnapshotNotFoundError';
  }
}

export class SnapshotInvalidError extends Error {
  readonly code = 'SNAPSHOT_INVALID';
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}; fix that line (see docs/engine.md for the snapshot format).`);
    this.name = 'SnapshotInvalidError';
  }
}

/** Finds the last snapshot of sku (at location, if given) in a JSONL file and evaluates it. */
export async function explainFromFile(file: string, sku: string, location: string | undefined, rules: RuleDefaults): Promise<EngineDecision[]> {
  const found = new Map<string, { text: string; line: number }>();
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    // Cheap prefilter: only lines mentioning the sku are parsed.
    if (!text.includes(sku)) continue;
    let raw: { sku?: unknown; location?: unknown };
    try { raw = JSON.parse(text) as typeof raw; } catch { continue; }
    if (raw.sku !== sku || (location !== undefined && raw.location !== location)) continue;
    found.set(String(raw.location), { text, line });
  }
  if (found.size === 0) throw new SnapshotNotFoundError(sku, location ?? '(any)', file);
  return [...found.values()].map(({ text, line: n }) => {
    const parsed = positionSnapshot.safeParse(JSON.parse(text));
    if (!parsed.success) throw new SnapshotInvalidError(file, n, parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
    return evaluatePosition(parsed.data, rules, { projection: true });
  });
}

/** A human-readable account of one decision: inputs, the demand model, the policy numbers and the findings. */
export function formatExplanation(d: EngineDecision): string {
  const e = d.explain;
  const n = (x: number | null): string => (x === null ? '-' : String(Math.round(x * 100) / 100));
  const out: string[] = [];
  out.push(`${d.sku} @ ${d.location} as of ${e.asOf}`);
  out.push('');
  out.push('stock');
  out.push(`  on hand ${n(e.onHand)} - reserved ${n(e.reserved)} = available ${n(e.available)}`);
  out.push(`  + inbound ${n(e.inboundTotal)} - open customer orders ${n(e.openOrdersTotal)} = inventory position ${n(e.inventoryPosition)}`);
  out.push('demand');
  out.push(`  model ${e.demandModel}; history ${e.historyDaysUsed} days, ${e.censoredDays} left out (out of stock / events), last demand ${e.daysSinceLastDemand ?? 'never'} days ago`);
  out.push(`  level ${n(e.level)}/day, trend ${n(e.trendPerDay)}/day, sd ${n(e.demandSdDaily)}/day${e.weeklyFactors ? `, weekly factors Mon..Sun ${e.weeklyFactors.join(' ')}` : ''}`);
  if (e.demandModel === 'intermittent') out.push(`  demand on ${n(e.demandProbability * 100)}% of days, ${n(e.demandSize)} units per demand`);
  out.push(`  forecast ${n(d.forecastDaily)}/day over the lead time; ${e.eventDays} forecast days lifted by planned events`);
  out.push('lead time');
  out.push(`  quoted ${n(e.quotedLeadTimeDays)} days; used ${n(e.leadTimeDays)} ± ${n(e.leadTimeSdDays)} from ${e.leadTimeObservations} receipts; inbound ETAs shifted ${n(e.supplierLatenessDays)} days`);
  out.push('policy');
  out.push(`  service level ${e.serviceLevel} (${e.serviceLevelSource}), z = ${e.z}`);
  out.push(`  safety stock ${n(d.safetyStock)} (${e.safetyStockMethod})`);
  out.push(`  reorder point = lead-time demand ${n(e.leadTimeDemand)} + safety stock = ${n(d.reorderPoint)}${e.minQty !== null ? ` (min ${e.minQty} applied)` : ''}`);
  out.push(`  order-up-to = reorder point + review-period demand ${n(e.reviewPeriodDemand)} (${e.reviewPeriodDays} days) = ${n(d.orderUpTo)}${e.maxQty !== null ? ` (max ${e.maxQty} applied)` : ''}`);
  out.push(`  days of cover ${n(d.daysOfCover)}; projected stockout ${d.projectedStockout ?? 'none within horizon'}`);
  out.push(`  projected available at lead time ${n(e.projectedAtLeadTime)}, at horizon (${e.horizonDays} days) ${n(e.projectedAtHorizon)}`);
  out.push(d.replenish
    ? `  replenish ${d.replenish.qty} from ${d.replenish.supplierId} by ${d.replenish.needBy} (raw ${n(e.rawOrderQty)}, pack ${e.packSize}, moq ${e.moq})`
    : `  no order: inventory position ${n(e.inventoryPosition)} is above the reorder point`);
  out.push('findings');
  if (d.alerts.length === 0) out.push('  none');
  for (const a of d.alerts) {
    out.push(`  ${a.severity.toUpperCase()} ${a.type}: ${a.message}`);
    if (a.suggestedAction) out.push(`    action: ${a.suggestedAction}`);
    if (a.facts) out.push(`    facts: ${Object.entries(a.facts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  out.push('projection (available at end of day)');
  for (let k = 0; k < e.projection.length; k += 10) out.push(`  day ${String(k).padStart(3)}: ${e.projection.slice(k, k + 10).map((v) => n(v)).join(' ')}`);
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('explain')
    .description('print every number behind the decision for one SKU (at one location) from a snapshots JSONL file')
    .requiredOption('--sku <sku>', 'the SKU to explain')
    .option('--location <id>', 'the location (default: every location of the SKU)')
    .requiredOption('-f, --file <snapshots.jsonl>', 'position snapshots, one JSON object per line')
    .option('-c, --config <file>', 'hub.config whose rule defaults apply')
    .option('--json', 'print the decision with its explain block as JSON')
    .action(async (opts: { sku: string; location?: string; file: string; config?: string; json?: boolean }) => {
      const config = await loadHubConfig(opts.config);
      const decisions = await explainFromFile(opts.file, opts.sku, opts.location, config.rules);
      process.stdout.write(opts.json ? `${decisions.map((d) => JSON.stringify(d, null, 2)).join('\n')}\n` : `${decisions.map(formatExplanation).join('\n\n')}\n`);
    });
}
