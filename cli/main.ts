// `stocksentry`: one entry for the local hub, the policy engine on stdin/stdout, backtests and operations.
import './env.js';
import { Command } from 'commander';
import { register as registerAlerts } from './commands/alerts.js';
import { register as registerBacktest } from './commands/backtest.js';
import { register as registerConnector } from './commands/connector.js';
import { register as registerDlq } from './commands/dlq.js';
import { register as registerEvaluate } from './commands/evaluate.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerStart } from './commands/start.js';
import { register as registerSuppliers } from './commands/suppliers.js';
import { register as registerUsers } from './commands/users.js';

const program = new Command()
  .name('stocksentry')
  .description('Inventory early-warning and replenishment hub')
  .showHelpAfterError();

registerStart(program);
registerEvaluate(program);
registerExplain(program);
registerBacktest(program);
registerAlerts(program);
registerSuppliers(program);
registerConnector(program);
registerDlq(program);
registerUsers(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
