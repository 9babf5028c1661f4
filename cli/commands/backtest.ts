// `stocksentry backtest`: replays a generated scenario or a CSV history through the engine, two baselines and the
// distribution oracle; `--frontier` sweeps them all and compares inventory at matched fill, with a chart.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  FRONTIER_DEFAULTS, formatBacktestReport, formatFrontierReport, frontierChartSpec, generateScenario, matchRollingBaseline, runBacktest, runFrontier,
  scenarioFromCsv, type FrontierReport,
} from '../../shared/engine/backtest/index.js';
import { loadHubConfig } from '../../config/load.js';

interface BacktestOptions { csv?: string; seed: string; seeds: string; positions: string; days: string; config?: string; json?: boolean; matched?: boolean; frontier?: boolean; plot?: string }

const positiveInt = (name: string, raw: string): number => {
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} expects a positive whole number, got "${raw}"`);
  return v;
};

/** Renders the frontier chart to SVG with Vega (loaded only here: no other command pays for it at start-up). */
async function writeFrontierChart(report: FrontierReport, file: string): Promise<void> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const spec = vegaLite.compile(frontierChartSpec(report) as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  writeFileSync(file, await view.toSVG());
  view.finalize();
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('replay demand day by day through the engine, two baselines (static min/max, rolling reorder point) and the distribution oracle, and report service, stock and alert quality')
    .option('--csv <file>', 'history to replay (format in docs/engine.md); default: a generated scenario')
    .option('--seed <n>', 'seed for the generated scenario and for lead-time draws', '42')
    .option('--positions <n>', 'generated positions per demand pattern', '12')
    .option('--days <n>', 'simulated days (the rest of the history warms up)', '365')
    .option('-c, --config <file>', 'hub.config whose rule defaults the engine and baselines use')
    .option('--matched', 'also raise the rolling baseline\'s safety stock until it matches the engine\'s fill rate, and compare inventory at equal service')
    .option('--frontier', 'sweep the engine (service level), the oracle (quantile) and the baselines (z) over --seeds and compare inventory at the engine\'s fill, overall, per pattern and per supplier profile')
    .option('--seeds <list>', 'seeds for --frontier, comma-separated', '42,7,123')
    .option('--plot <file>', 'with --frontier: write the chart of the curves to this file (SVG); without it no file is written')
    .option('--json', 'print the full report as JSON')
    .action(async (opts: BacktestOptions) => {
      const config = await loadHubConfig(opts.config);
      const days = positiveInt('days', opts.days);
      if (opts.frontier) {
        if (opts.csv) throw new Error('--frontier runs on generated scenarios (the oracle needs the true demand process); leave out --csv');
        const seeds = opts.seeds.split(',').map((s) => positiveInt('seeds', s.trim()));
        const report = runFrontier(config.rules, { ...FRONTIER_DEFAULTS, seeds, positionsPerPattern: positiveInt('positions', opts.positions), simDays: days });
        if (opts.plot !== undefined) await writeFrontierChart(report, opts.plot);
        const chart = opts.plot !== undefined ? `\n\nChart: ${opts.plot}` : '';
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatFrontierReport(report)}${chart}\n`);
        return;
      }
      const seed = positiveInt('seed', opts.seed);
      const scenario = opts.csv
        ? scenarioFromCsv(readFileSync(opts.csv, 'utf8'), days, seed)
        : generateScenario({ seed, positionsPerPattern: positiveInt('positions', opts.positions), simDays: days });
      const report = runBacktest(scenario, config.rules);
      const matched = opts.matched ? matchRollingBaseline(scenario, config.rules, report.overall.engine.fillRate) : undefined;
      process.stdout.write(opts.json ? `${JSON.stringify({ ...report, matched }, null, 2)}\n` : `${formatBacktestReport(report, matched)}\n`);
    });
}
