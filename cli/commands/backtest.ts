// `stocksentry backtest`: replays a generated scenario or a CSV history through the engine and two baselines.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatBacktestReport, generateScenario, matchRollingBaseline, runBacktest, scenarioFromCsv } from '../../shared/engine/backtest/index.js';
import { loadHubConfig } from '../config.js';

interface BacktestOptions { csv?: string; seed: string; positions: string; days: string; config?: string; json?: boolean; matched?: boolean }

const positiveInt = (name: string, raw: string): number => {
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} expects a positive whole number, got "${raw}"`);
  return v;
};

export function register(program: Command): void {
  program
    .command('backtest')
    .description('replay demand day by day through the engine and two baselines (static min/max, rolling reorder point) and report service, stock and alert quality')
    .option('--csv <file>', 'history to replay (format in docs/engine.md); default: a generated scenario')
    .option('--seed <n>', 'seed for the generated scenario and for lead-time draws', '42')
    .option('--positions <n>', 'generated positions per demand pattern', '12')
    .option('--days <n>', 'simulated days (the rest of the history warms up)', '365')
    .option('-c, --config <file>', 'hub.config whose rule defaults the engine and baselines use')
    .option('--matched', 'also raise the rolling baseline\'s safety stock until it matches the engine\'s fill rate, and compare inventory at equal service')
    .option('--json', 'print the full report as JSON')
    .action(async (opts: BacktestOptions) => {
      const config = await loadHubConfig(opts.config);
      const seed = positiveInt('seed', opts.seed);
      const days = positiveInt('days', opts.days);
      const scenario = opts.csv
        ? scenarioFromCsv(readFileSync(opts.csv, 'utf8'), days, seed)
        : generateScenario({ seed, positionsPerPattern: positiveInt('positions', opts.positions), simDays: days });
      const report = runBacktest(scenario, config.rules);
      const matched = opts.matched ? matchRollingBaseline(scenario, config.rules, report.overall.engine.fillRate) : undefined;
      process.stdout.write(opts.json ? `${JSON.stringify({ ...report, matched }, null, 2)}\n` : `${formatBacktestReport(report, matched)}\n`);
    });
}
