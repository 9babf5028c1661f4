// `stocksentry start`: the local hub. One run by default (sync, evaluate, alert, order, summary); --watch keeps
// it running on the configured schedules.
import path from 'node:path';
import { rm } from 'node:fs/promises';
import type { Command } from 'commander';
import { startLocalHub, type LocalHub } from '../../infra/local/runtime.js';
import { startScheduler } from '../../infra/local/scheduler.js';
import { loadHubConfig } from '../config.js';
import { ensureConsoleBuilt } from '../../console/server/build.js';
import { formatSummary } from './summary.js';

interface StartOptions { config?: string; watch?: boolean; outbox: string; dynamoPort?: string; verbose?: boolean }

export function register(program: Command): void {
  program.command('start')
    .description('run the hub locally on an embedded DynamoDB (the demo retailer unless --config is given)')
    .option('-c, --config <file>', 'hub.config.ts/.js/.json to run instead of the demo')
    .option('-w, --watch', 'keep running: sync each connector on its schedule and evaluate as changes arrive')
    .option('--outbox <dir>', 'where emails (.eml), SMS and dead letters are written', 'outbox')
    .option('--dynamo-port <port>', 'port for DynamoDB Local (default: a free one)')
    .option('-v, --verbose', 'print the handlers\' JSON logs')
    .action(async (opts: StartOptions) => {
      const config = opts.config ? await loadHubConfig(opts.config) : undefined;
      const outboxDir = path.resolve(opts.outbox);
      await rm(outboxDir, { recursive: true, force: true });
      const log = (line: string) => console.log(line);
      await ensureConsoleBuilt(log);
      const hub = await startLocalHub({ config, outboxDir, dynamoPort: opts.dynamoPort ? Number(opts.dynamoPort) : undefined, log });
      try {
        const report = await hub.runOnce();
        console.log(formatSummary(report, hub));
        if (opts.watch) await watch(hub, log);
      } finally {
        await hub.stop();
      }
    });
}

async function watch(hub: LocalHub, log: (line: string) => void): Promise<void> {
  const scheduler = startScheduler(hub, log);
  log(`Watching: ${scheduler.describe()}. Alerts API on ${hub.apiUrl}. Console: ${hub.consoleUrl}. Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  scheduler.stop();
}
