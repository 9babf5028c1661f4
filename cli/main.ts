// `stocksentry`: one entry for the local hub, the policy engine on stdin/stdout, backtests and operations.
import './env.js';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { closeOpenedHubs } from './hub.js';
import { register as registerAlerts } from './commands/alerts.js';
import { register as registerBacktest } from './commands/backtest.js';
import { register as registerConnector } from './commands/connector.js';
import { register as registerDlq } from './commands/dlq.js';
import { register as registerEvaluate } from './commands/evaluate.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerReset } from './commands/reset.js';
import { register as registerStart } from './commands/start.js';
import { register as registerSuppliers } from './commands/suppliers.js';
import { register as registerUsers } from './commands/users.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('stocksentry')
  .description('Inventory early-warning and replenishment hub')
  .version(version, '-V, --version')
  .showHelpAfterError();

registerStart(program);
registerReset(program);
registerEvaluate(program);
registerExplain(program);
registerBacktest(program);
registerAlerts(program);
registerSuppliers(program);
registerConnector(program);
registerDlq(program);
registerUsers(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  // DynamoDB Local a command started on the data folder of a stopped hub, and its lock.
  await closeOpenedHubs();
}
