// The backtest report as a Markdown table plus the targets, checked against the same run's baselines.
import type { BacktestMetrics } from './metrics.js';
import { POLICIES, type BacktestReport, type MatchedBaseline, type PolicyMetrics } from './simulate.js';

/** `met` is null for a target this run cannot score (no stockouts, so none to warn about). */
export interface TargetCheck { target: string; value: string; met: boolean | null }

const NO_STOCKOUTS = 'no stockouts to warn about';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The fill and alert targets on one report (the inventory targets need matched fill: see the frontier report). */
export function checkTargets(report: BacktestReport): TargetCheck[] {
  const e = report.overall.engine;
  const worst = report.byPattern.reduce((w, p) => (p.metrics.engine.fillRate < w.fill ? { pattern: p.pattern, fill: p.metrics.engine.fillRate } : w), { pattern: '-', fill: 1 });
  return [
    { target: 'fill rate overall ≥ 98.5%', value: pct(e.fillRate), met: e.fillRate >= 0.985 },
    { target: 'fill rate per pattern ≥ 97.5%', value: `worst ${worst.pattern} ${pct(worst.fill)}`, met: worst.fill >= 0.975 },
    e.stockoutEpisodes === 0
      ? { target: '≥ 60% of stockouts preceded by a warning', value: NO_STOCKOUTS, met: null }
      : { target: '≥ 60% of stockouts preceded by a warning', value: pct(e.warnedStockoutShare), met: e.warnedStockoutShare >= 0.6 },
    e.stockoutEpisodes === 0
      ? { target: 'warnings ≥ 3 days ahead on average', value: NO_STOCKOUTS, met: null }
      : { target: 'warnings ≥ 3 days ahead on average', value: `${e.meanWarningDaysAhead.toFixed(1)} days`, met: e.meanWarningDaysAhead >= 3 },
    e.shortageWarningEpisodes === 0
      ? { target: '≥ 60% of warning episodes followed by a real shortage if nobody acts', value: 'no warnings', met: null }
      : { target: '≥ 60% of warning episodes followed by a real shortage if nobody acts', value: pct(e.warningPrecision), met: e.warningPrecision >= 0.6 },
    { target: '≤ 0.4 shortage-warning episodes per position-month', value: e.shortageWarningEpisodesPerPositionMonth.toFixed(2), met: e.shortageWarningEpisodesPerPositionMonth <= 0.4 },
  ];
}

/** The policies present in a report, in a fixed order: the engine, the baselines, the oracle when it ran. */
export const policiesOf = (m: PolicyMetrics): (keyof PolicyMetrics)[] => (m.oracle ? [...POLICIES, 'oracle'] : [...POLICIES]);

const HEADER = 'policy | positions | fill rate | stockout days/pos | avg inventory value | days of cover | orders/pos | alert episodes/pos-month | warning episodes/pos-month | stockouts warned (episodes) | warned ≥ 3 days ahead | warning days ahead | warnings → real shortage (episodes) |';
const RULE = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

const warned = (m: BacktestMetrics): string => (m.stockoutEpisodes === 0
  ? `${NO_STOCKOUTS} | - | -`
  : `${(m.warnedStockoutShare * 100).toFixed(0)}% (${m.stockoutEpisodes}) | ${(m.warnedAheadShare * 100).toFixed(0)}% | ${m.meanWarningDaysAhead.toFixed(1)}`);

export const metricsRow = (group: string, policy: string, m: BacktestMetrics): string => `| ${group} | ${policy} | ${m.positions} | ${(m.fillRate * 100).toFixed(2)}% | ${m.stockoutDaysPerPosition.toFixed(1)} | ${Math.round(m.avgInventoryValue).toLocaleString('en-US')} | ${m.daysOfCover.toFixed(1)} | ${m.ordersPerPosition.toFixed(1)} | ${m.alertEpisodesPerPositionMonth.toFixed(2)} | ${m.shortageWarningEpisodesPerPositionMonth.toFixed(2)} | ${warned(m)} | ${m.shortageWarningEpisodes === 0 ? 'no warnings' : `${(m.warningPrecision * 100).toFixed(0)}% (${m.shortageWarningEpisodes})`} |`;

export function formatBacktestReport(report: BacktestReport, matched?: MatchedBaseline): string {
  const out = [
    `Backtest: ${report.positions} positions × ${report.simDays} days, seed ${report.seed}`,
    '',
    `| pattern | ${HEADER}`,
    RULE,
  ];
  for (const p of report.byPattern) for (const policy of policiesOf(p.metrics)) out.push(metricsRow(p.pattern, policy, p.metrics[policy] as BacktestMetrics));
  for (const policy of policiesOf(report.overall)) out.push(metricsRow('**overall**', policy, report.overall[policy] as BacktestMetrics));
  if (matched) out.push(metricsRow('**overall**', `rolling-rop, z × ${matched.safetyFactor.toFixed(2)}${matched.reached ? ' (same fill rate as engine)' : ' (could not reach engine fill rate)'}`, matched.metrics));
  out.push('', 'By supplier profile (same runs):', '', `| supplier profile | ${HEADER}`, RULE);
  for (const p of report.bySupplierProfile) for (const policy of policiesOf(p.metrics)) out.push(metricsRow(p.profile, policy, p.metrics[policy] as BacktestMetrics));
  if (report.overall.oracle) out.push('', 'oracle: the same reorder-point structure with the true demand process and lead-time distributions (quantile = the rules\' service level); compare at matched fill with --frontier.');
  out.push('', '| target | engine | met |', '|---|---|---|');
  for (const t of checkTargets(report)) out.push(`| ${t.target} | ${t.value} | ${t.met === null ? 'not scored' : t.met ? 'yes' : 'no'} |`);
  if (matched) {
    const ratio = report.overall.engine.avgInventoryValue / Math.max(1e-9, matched.metrics.avgInventoryValue);
    out.push(`| (diagnostic) avg inventory value vs rolling baseline at equal fill rate | ${(ratio * 100).toFixed(1)}% | ${matched.reached ? (ratio <= 0.65 ? 'yes' : 'no') : 'baseline never got there'} |`);
  }
  return out.join('\n');
}
