// `stocksentry`: one entry for the local hub, the policy engine on stdin/stdout, backtests and operations.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command } from 'commander';
import { register as registerStart } from './commands/start.js';

const program = new Command()
  .name('stocksentry')
  .description('Inventory early-warning and replenishment hub')
  .showHelpAfterError();

registerStart(program);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
