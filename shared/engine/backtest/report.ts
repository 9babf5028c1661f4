// The backtest report as a Markdown table plus the targets, checked against the same run's baselines.
import type { BacktestMetrics } from './metrics.js';
import { POLICIES, type BacktestReport, type MatchedBaseline } from './simulate.js';

export interface TargetCheck { target: string; value: string; met: boolean }

/** The targets of issue 4, evaluated on one report. */
export function checkTargets(report: BacktestReport): TargetCheck[] {
  const e = report.overall.engine;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const worst = report.byPattern.reduce((w, p) => (p.metrics.engine.fillRate < w.fill ? { pattern: p.pattern, fill: p.metrics.engine.fillRate } : w), { pattern: '-', fill: 1 });
  const vsRolling = e.avgInventoryValue / Math.max(1e-9, report.overall['rolling-rop'].avgInventoryValue);
  const vsStatic = e.avgInventoryValue / Math.max(1e-9, report.overall['static-minmax'].avgInventoryValue);
  return [
    { target: 'fill rate overall ≥ 98.5%', value: pct(e.fillRate), met: e.fillRate >= 0.985 },
    { target: 'fill rate per pattern ≥ 96%', value: `worst ${worst.pattern} ${pct(worst.fill)}`, met: worst.fill >= 0.96 },
    { target: 'avg inventory value ≤ 70% of rolling baseline', value: pct(vsRolling), met: vsRolling <= 0.7 },
    { target: 'avg inventory value ≤ 60% of static baseline', value: pct(vsStatic), met: vsStatic <= 0.6 },
    { target: '≥ 90% of stockouts preceded by a warning', value: pct(e.warnedStockoutShare), met: e.warnedStockoutShare >= 0.9 },
    { target: 'warnings ≥ 3 days ahead on average', value: `${e.meanWarningDaysAhead.toFixed(1)} days`, met: e.meanWarningDaysAhead >= 3 },
    { target: '≥ 50% of warning episodes followed by a real shortage if nobody acts', value: pct(e.warningPrecision), met: e.warningPrecision >= 0.5 },
    { target: '≤ 0.5 alert episodes per position-month', value: e.alertEpisodesPerPositionMonth.toFixed(2), met: e.alertEpisodesPerPositionMonth <= 0.5 },
  ];
}

const row = (group: string, policy: string, m: BacktestMetrics): string => `| ${group} | ${policy} | ${m.positions} | ${(m.fillRate * 100).toFixed(2)}% | ${m.stockoutDaysPerPosition.toFixed(1)} | ${Math.round(m.avgInventoryValue).toLocaleString('en-US')} | ${m.daysOfCover.toFixed(1)} | ${m.ordersPerPosition.toFixed(1)} | ${m.alertEpisodesPerPositionMonth.toFixed(2)} | ${(m.warnedStockoutShare * 100).toFixed(0)}% (${m.stockoutEpisodes}) | ${m.meanWarningDaysAhead.toFixed(1)} | ${(m.warningPrecision * 100).toFixed(0)}% (${m.shortageWarningEpisodes}) |`;

export function formatBacktestReport(report: BacktestReport, matched?: MatchedBaseline): string {
  const out = [
    `Backtest: ${report.positions} positions × ${report.simDays} days, seed ${report.seed}`,
    '',
    '| pattern | policy | positions | fill rate | stockout days/pos | avg inventory value | days of cover | orders/pos | alert episodes/pos-month | stockouts warned (episodes) | warning days ahead | warnings → real shortage (episodes) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of report.byPattern) for (const policy of POLICIES) out.push(row(p.pattern, policy, p.metrics[policy]));
  for (const policy of POLICIES) out.push(row('**overall**', policy, report.overall[policy]));
  if (matched) out.push(row('**overall**', `rolling-rop, z × ${matched.safetyFactor.toFixed(2)}${matched.reached ? ' (same fill rate as engine)' : ' (could not reach engine fill rate)'}`, matched.metrics));
  out.push('', 'By supplier profile (same runs):', '', '| supplier profile | policy | positions | fill rate | stockout days/pos | avg inventory value | days of cover | orders/pos | alert episodes/pos-month | stockouts warned (episodes) | warning days ahead | warnings → real shortage (episodes) |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of report.bySupplierProfile) for (const policy of POLICIES) out.push(row(p.profile, policy, p.metrics[policy]));
  out.push('', '| target | engine | met |', '|---|---|---|');
  for (const t of checkTargets(report)) out.push(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : 'no'} |`);
  if (matched) {
    const ratio = report.overall.engine.avgInventoryValue / Math.max(1e-9, matched.metrics.avgInventoryValue);
    out.push(`| (diagnostic) avg inventory value vs rolling baseline at equal fill rate | ${(ratio * 100).toFixed(1)}% | ${matched.reached ? (ratio <= 0.7 ? 'yes' : 'no') : 'baseline never got there'} |`);
  }
  return out.join('\n');
}
