// Test-only CLI entry: the real commands on a commander program, as cli/main.ts will wire them.
import { Command } from 'commander';
import { register as registerBacktest } from '../../../cli/commands/backtest.js';
import { register as registerEvaluate } from '../../../cli/commands/evaluate.js';
import { register as registerExplain } from '../../../cli/commands/explain.js';

const program = new Command('stocksentry');
registerEvaluate(program);
registerExplain(program);
registerBacktest(program);
await program.parseAsync(process.argv);
