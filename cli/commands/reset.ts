// `stocksentry reset`: the local hub starts over. Deletes the state folder (table data, stream position, the
// ack-link secret and the API token) after a confirmation; refuses while a hub runs on it. outbox/ is kept.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { DEFAULT_STATE_DIR, lockState } from '../../infra/local/state.js';

/** Asks a yes/no question on the terminal; undefined when there is no terminal to ask on. */
export type Ask = (question: string) => Promise<string | undefined>;

const askOnTerminal: Ask = async (question) => {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
};

export function register(program: Command, ask: Ask = askOnTerminal, print: (text: string) => void = (t) => console.log(t)): void {
  program.command('reset')
    .description('start the local hub over: delete its state folder (alerts, requests, checkpoints, link secret, API token)')
    .option('--state-dir <dir>', 'the state folder', DEFAULT_STATE_DIR)
    .option('-y, --yes', 'delete without asking')
    .action(async (opts: { stateDir: string; yes?: boolean }) => {
      const dir = path.resolve(opts.stateDir);
      const shown = `./${path.relative(process.cwd(), dir)}`;
      if (!existsSync(dir)) {
        print(`Nothing to reset: ${shown} does not exist.`);
        return;
      }
      // Nobody may run on the data while it goes: a running hub makes this an error naming it.
      const lock = lockState(dir, 'stocksentry reset');
      try {
        if (!opts.yes) {
          const answer = await ask(`Delete ${shown}: every alert, request and checkpoint, the ack-link secret and the API token? `
            + 'Links in messages already sent stop working; outbox/ is kept. [y/N] ');
          if (answer === undefined) throw new Error(`Not deleting ${shown} without a confirmation: pass --yes.`);
          if (!/^y(es)?$/i.test(answer.trim())) {
            print('Nothing deleted.');
            return;
          }
        }
        rmSync(dir, { recursive: true, force: true });
        print(`Deleted ${shown}. The next \`npm start\` starts over.`);
      } finally {
        lock.release();
      }
    });
}
