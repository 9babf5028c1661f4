// The frontier report: inventory at matched fill as Markdown, the oracle's alert sweep beside the engine's alerts, the
// targets, and a Vega-Lite chart of the curves (rendered to SVG by the CLI).
import type { BacktestMetrics } from './metrics.js';
import { FRONTIER_CURVES, type FrontierGroup, type FrontierReport } from './frontier.js';
import type { TargetCheck } from './report.js';

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
const money = (x: number | null): string => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
const ratio = (a: number, b: number | null): string => (b === null || b <= 0 ? 'not reached' : `${(a / b).toFixed(2)}×`);

/** Engine inventory over each curve's inventory at the engine's fill (null where the curve doesn't reach it). */
export function matchedRatios(g: FrontierGroup): { oracle: number | null; rolling: number | null; static: number | null } {
  const r = (b: number | null): number | null => (b === null || b <= 0 ? null : g.engine.inventory / b);
  return { oracle: r(g.atEngineFill.oracle), rolling: r(g.atEngineFill['rolling-rop']), static: r(g.atEngineFill['static-minmax']) };
}

export function checkFrontierTargets(report: FrontierReport): TargetCheck[] {
  const e = report.alerts.engine;
  const worst = report.byPattern.reduce((w, g) => (g.engine.fill < w.engine.fill ? g : w), report.overall);
  const r = matchedRatios(report.overall);
  const x = (v: number | null): string => (v === null ? 'not reached' : `${v.toFixed(2)}×`);
  return [
    { target: 'fill rate overall ≥ 98.5%', value: pct(report.overall.engine.fill, 2), met: report.overall.engine.fill >= 0.985 },
    { target: 'fill rate per pattern ≥ 97.5%', value: `worst ${worst.group} ${pct(worst.engine.fill, 2)}`, met: worst.engine.fill >= 0.975 },
    { target: 'inventory ≤ 1.10× the oracle\'s at the engine\'s fill', value: x(r.oracle), met: r.oracle !== null && r.oracle <= 1.1 },
    { target: 'inventory ≤ 0.65× the rolling baseline\'s at the engine\'s fill', value: x(r.rolling), met: r.rolling !== null && r.rolling <= 0.65 },
    { target: '≥ 60% of stockouts preceded by a warning', value: pct(e.warnedStockoutShare), met: e.warnedStockoutShare >= 0.6 },
    { target: 'warnings ≥ 3 days ahead on average', value: `${e.meanWarningDaysAhead.toFixed(1)} days`, met: e.meanWarningDaysAhead >= 3 },
    { target: '≥ 60% of warning episodes followed by a real shortage if nobody acts', value: pct(e.warningPrecision), met: e.warningPrecision >= 0.6 },
    { target: '≤ 0.4 shortage-warning episodes per position-month', value: e.shortageWarningEpisodesPerPositionMonth.toFixed(2), met: e.shortageWarningEpisodesPerPositionMonth <= 0.4 },
  ];
}

const alertRow = (policy: string, setting: string, m: BacktestMetrics): string =>
  `| ${policy} | ${setting} | ${pct(m.fillRate, 2)} | ${pct(m.warnedStockoutShare, 0)} (${m.stockoutEpisodes}) | ${pct(m.warnedAheadShare, 0)} | ${m.meanWarningDaysAhead.toFixed(1)} | ${pct(m.warningPrecision, 0)} (${m.shortageWarningEpisodes}) | ${m.shortageWarningEpisodesPerPositionMonth.toFixed(2)} |`;

export function formatFrontierReport(report: FrontierReport): string {
  const out = [
    `Frontier: seeds ${report.seeds.join(', ')}; ${report.positions} positions × ${report.simDays} days in all; engine service level ${report.serviceLevel}`,
    '',
    'Inventory at matched fill (average inventory value; each curve read at the engine\'s own fill):',
    '',
    '| group | engine fill | engine inventory | oracle at that fill | engine ÷ oracle | rolling-rop at that fill | engine ÷ rolling | static-minmax at that fill | engine ÷ static |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const g of [report.overall, ...report.byPattern, ...report.bySupplierProfile]) {
    const name = g === report.overall ? '**overall**' : g.group;
    out.push(`| ${name} | ${pct(g.engine.fill, 2)} | ${money(g.engine.inventory)} | ${money(g.atEngineFill.oracle)} | ${ratio(g.engine.inventory, g.atEngineFill.oracle)} | ${money(g.atEngineFill['rolling-rop'])} | ${ratio(g.engine.inventory, g.atEngineFill['rolling-rop'])} | ${money(g.atEngineFill['static-minmax'])} | ${ratio(g.engine.inventory, g.atEngineFill['static-minmax'])} |`);
  }
  out.push('', 'Curves, overall (engine: service level; oracle: reorder-point quantile; baselines: multiplier on z):', '', '| policy | setting | fill | avg inventory value |', '|---|---|---|---|');
  for (const c of FRONTIER_CURVES) for (const p of report.overall.curves[c]) out.push(`| ${c} | ${p.parameter} | ${pct(p.fill, 2)} | ${money(p.inventory)} |`);
  out.push(
    '',
    `Alert quality on the same footing (the oracle at quantile ${report.alerts.oracleQuantile.toFixed(3)}, the engine's fill; its warning = its true stockout chance ≥ threshold):`,
    '',
    '| policy | threshold | fill | stockouts warned (episodes) | warned ≥ 3 days ahead | warning days ahead | warnings → real shortage (episodes) | warning episodes/pos-month |',
    '|---|---|---|---|---|---|---|---|',
    alertRow('engine', String(report.alerts.engineThreshold), report.alerts.engine),
  );
  for (const row of report.alerts.oracle) out.push(alertRow('oracle', String(row.threshold), row.metrics));
  out.push('', '| target | engine | met |', '|---|---|---|');
  for (const t of checkFrontierTargets(report)) out.push(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : 'no'} |`);
  return out.join('\n');
}

/** Unmet demand below this is drawn at it (a log axis has no zero). */
const MIN_UNMET = 1e-4;

/** A Vega-Lite chart: inventory against unmet demand (log scale) per policy, one panel per group, the engine's own setting marked. */
export function frontierChartSpec(report: FrontierReport): Record<string, unknown> {
  const values: Record<string, unknown>[] = [];
  const groups = [report.overall, ...report.byPattern];
  for (const g of groups) {
    for (const c of FRONTIER_CURVES) for (const p of g.curves[c]) values.push({ group: g.group, policy: c, setting: p.parameter, unmet: Math.max(MIN_UNMET, 1 - p.fill) * 100, inventory: Math.round(p.inventory) });
    values.push({ group: g.group, policy: 'engine (own service level)', setting: report.serviceLevel, unmet: Math.max(MIN_UNMET, 1 - g.engine.fill) * 100, inventory: Math.round(g.engine.inventory), own: true });
  }
  const x = { field: 'unmet', type: 'quantitative', title: 'unmet demand, % (log; better →)', scale: { type: 'log', reverse: true } };
  const y = { field: 'inventory', type: 'quantitative', title: 'avg inventory value', scale: { zero: false } };
  const color = { field: 'policy', type: 'nominal', title: null, legend: { orient: 'top' }, scale: { domain: [...FRONTIER_CURVES], range: ['#d62728', '#2ca02c', '#1f77b4', '#9467bd'] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Inventory against service (◆ the engine at its own service level): seeds ${report.seeds.join(', ')}, ${report.positions} positions × ${report.simDays} days`, anchor: 'start' },
    data: { values },
    facet: { field: 'group', type: 'nominal', title: null, sort: groups.map((g) => g.group) },
    columns: 3,
    resolve: { scale: { y: 'independent', x: 'independent' } },
    spec: {
      width: 220,
      height: 150,
      layer: [
        { transform: [{ filter: 'datum.own !== true' }], mark: { type: 'line', point: true, clip: true }, encoding: { x, y, color, order: { field: 'setting', type: 'quantitative' } } },
        { transform: [{ filter: 'datum.own === true' }], mark: { type: 'point', shape: 'diamond', size: 140, filled: true, color: 'black' }, encoding: { x, y } },
      ],
    },
  };
}
