// What `stocksentry start` shows while it works: on a terminal one live line (ora) with the connector, stream,
// records, pages, rate and ETA; elsewhere (CI, a log file) one line per finished stream, and a line every
// HEARTBEAT_MS while a long one runs, so a log never goes quiet for long.
import ora, { type Ora } from 'ora';
import type { SyncProgress } from '../connectors/sdk/sync.js';

const HEARTBEAT_MS = 10_000;

export interface ProgressDisplay {
  /** A line of its own (a stage starting, a scheduled job's account). */
  log(line: string): void;
  sync(progress: SyncProgress): void;
  /** Clears the live line; later output is plain. */
  stop(): void;
}

const count = (n: number) => Math.round(n).toLocaleString('en');

function seconds(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** `shop › sales: 12,340 records, 45 pages, 2,100/s, about 12 s left` */
export function describeProgress(p: SyncProgress, elapsedSeconds?: number): string {
  const parts = [`${count(p.records)}${p.total !== undefined ? ` of ${count(p.total)}` : ''} records`, `${count(p.pages)} page${p.pages === 1 ? '' : 's'}`];
  if (p.done && elapsedSeconds !== undefined) parts.push(`in ${seconds(elapsedSeconds)}`);
  // While a batch is written the reading rate means little: say what is happening instead.
  if (!p.done && p.writing !== undefined) parts.push(`writing ${count(p.writing)} to the table`);
  else if (p.rate > 0) parts.push(`${count(p.rate)}/s`);
  if (!p.done && p.writing === undefined && p.etaSeconds !== undefined) parts.push(`about ${seconds(p.etaSeconds)} left`);
  return `${p.connector} › ${p.stream}: ${parts.join(', ')}`;
}

export function progressDisplay(out: NodeJS.WriteStream = process.stdout, now: () => number = Date.now): ProgressDisplay {
  const started = new Map<string, number>();
  const elapsed = (p: SyncProgress) => (now() - (started.get(`${p.connector}/${p.stream}`) ?? now())) / 1000;
  const track = (p: SyncProgress) => {
    const key = `${p.connector}/${p.stream}`;
    if (!started.has(key)) started.set(key, now());
    if (p.done) started.delete(key);
  };

  if (out.isTTY) {
    // discardStdin off: Ctrl-C must stay a signal the hub handles, not a keystroke ora swallows.
    let spinner: Ora | undefined;
    const live = () => (spinner ??= ora({ stream: out, discardStdin: false }).start());
    return {
      log(line) {
        if (spinner?.isSpinning) { spinner.clear(); out.write(`${line}\n`); spinner.render(); } else out.write(`${line}\n`);
      },
      sync(p) {
        const seconds = elapsed(p);
        track(p);
        if (p.done) live().stopAndPersist({ symbol: '✔', text: describeProgress(p, seconds) });
        else live().start(describeProgress(p));
      },
      stop() { spinner?.stop(); },
    };
  }

  let lastLine = 0;
  return {
    log(line) { out.write(`${line}\n`); lastLine = now(); },
    sync(p) {
      const took = elapsed(p);
      track(p);
      // A heartbeat says how long the stream has run, so a slow write does not print the same line twice.
      if (p.done || now() - lastLine >= HEARTBEAT_MS) {
        out.write(`  ${describeProgress(p, took)}${p.done ? '' : ` so far (${seconds(took)})`}\n`);
        lastLine = now();
      }
    },
    stop() {},
  };
}
