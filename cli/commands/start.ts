// `stocksentry start`: the local hub as a service. It syncs, evaluates, alerts and orders at once, prints the summary
// and its addresses, then keeps running on the configured schedules until SIGINT or SIGTERM; --once does one cycle.
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_API_PORT, startLocalHub, type LocalHub } from '../../infra/local/runtime.js';
import { startScheduler } from '../../infra/local/scheduler.js';
import { DEFAULT_STATE_DIR } from '../../infra/local/state.js';
import { loadHubConfigFile } from '../../config/load.js';
import { progressDisplay } from '../progress.js';
import { ensureConsoleBuilt } from '../../console/server/build.js';
import { summarize } from './summary.js';

interface StartOptions {
  config?: string; once?: boolean; inMemory?: boolean; stateDir: string; outbox: string; port: number; dynamoPort?: number; demoSize?: number; verbose?: boolean;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const portNumber = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('expected a port number (0 for any free port).');
  return port;
};

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number.');
  return n;
};

/** Resolves with the first stop signal. The hub then stops in order: the JVM and every server go with it. */
function stopSignal(onRepeat: () => void): { received: Promise<NodeJS.Signals>; dispose(): void } {
  let first: NodeJS.Signals | undefined;
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => { resolve = r; });
  const handler = (signal: NodeJS.Signals) => {
    if (first) return onRepeat();
    first = signal;
    resolve(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return { received, dispose: () => { for (const s of STOP_SIGNALS) process.off(s, handler); } };
}

export function register(program: Command): void {
  program.command('start')
    .description('run the hub on this machine: sync, evaluate, alert and order now, then on the configured schedules until Ctrl-C (the demo retailer unless --config)')
    .option('-c, --config <file>', 'hub.config.ts/.js/.json to run instead of the demo')
    .option('--once', 'one cycle: sync, evaluate, alert, order, print the summary and exit')
    .option('--in-memory', 'keep the table in memory: nothing outlives the run (tests, CI)')
    .option('--state-dir <dir>', 'the state folder: table data, secrets, stream position, hub.json', DEFAULT_STATE_DIR)
    .option('--outbox <dir>', 'where emails (.eml), SMS and dead letters go, one folder per run', 'outbox')
    .option('-p, --port <port>', 'port of the hub\'s address (alerts API, supplier API, the links in messages)', portNumber, DEFAULT_API_PORT)
    .option('--dynamo-port <port>', 'port for DynamoDB Local (default: a free one)', portNumber)
    .option('--demo-size <skus>', 'SKUs in the demo retailer', positiveInt)
    .option('-v, --verbose', 'print the handlers\' JSON logs')
    .action(async (opts: StartOptions) => {
      // A config mistake stops here, before DynamoDB Local or anything else starts.
      const loaded = opts.config ? await loadHubConfigFile(opts.config) : undefined;
      const display = progressDisplay();
      await ensureConsoleBuilt((line) => display.log(line));
      const stop = stopSignal(() => display.log('Stopping…'));
      const starting = startLocalHub({
        config: loaded?.config, configFile: loaded?.file, stateDir: path.resolve(opts.stateDir), inMemory: opts.inMemory,
        outbox: path.resolve(opts.outbox), apiPort: opts.port, dynamoPort: opts.dynamoPort, demoSkus: opts.demoSize,
        log: (line) => display.log(line), progress: (p) => display.sync(p),
      });
      // Whatever the hub is doing when a signal comes (starting, syncing, waiting), it stops now.
      const interrupted = async (work: Promise<unknown>): Promise<boolean> => {
        work.catch(() => undefined);
        return Promise.race([work.then(() => false), stop.received.then(() => true)]);
      };
      let hub: LocalHub | undefined;
      try {
        if (await interrupted(starting)) {
          await starting.then((h) => h.stop(), () => undefined);
          return;
        }
        hub = await starting;
        const cycle = hub.runOnce();
        if (await interrupted(cycle)) return;
        display.stop();
        console.log(await summarize(await cycle, hub, { stateDir: opts.stateDir }));
        if (opts.once) return;
        const scheduler = startScheduler(hub, (line) => display.log(line));
        display.log(`Running: ${scheduler.describe()}. Ctrl-C to stop.`);
        const signal = await stop.received;
        scheduler.stop();
        display.log(`${signal}: stopping.`);
      } finally {
        display.stop();
        await hub?.stop();
        stop.dispose();
      }
    });
}
