// The local stand-in for EventBridge Scheduler: fires each connector's sync, the daily sweep and the every-minute
// alert work on the same schedule expressions the stack deploys (rate(...) and AWS six-field cron(...), read with croner).
import { Cron } from 'croner';
import { ESCALATION_SCHEDULE } from '../../shared/config.js';
import type { LocalHub } from './runtime.js';

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Milliseconds until the next firing of an EventBridge schedule expression, after `from`. */
export function nextFiring(expression: string, from: Date): number {
  const rate = RATE.exec(expression);
  if (rate) return Number(rate[1]) * UNIT_MS[rate[2]!.replace(/s$/, '')]!;
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (!cron) throw new Error(`Not an EventBridge schedule expression: ${expression}`);
  // AWS cron has no seconds field, numbers Sunday as 1 (like Quartz) and is evaluated in UTC.
  const next = new Cron(`0 ${cron[1]}`, { mode: '7-part', alternativeWeekdays: true, timezone: 'UTC', paused: true }).nextRun(from);
  if (!next) throw new Error(`Schedule ${expression} never fires again`);
  return next.getTime() - from.getTime();
}

export interface LocalScheduler { describe(): string; stop(): void }

export function startScheduler(hub: LocalHub, log: (line: string) => void): LocalScheduler {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const jobs = [
    ...hub.services.config.connectors.map((c) => ({ name: `sync ${c.name}`, expression: c.schedule, run: () => hub.syncConnector(c.name) })),
    { name: 'evaluation sweep', expression: hub.services.config.evaluation.sweepSchedule, run: () => hub.sweep() },
    { name: 'alert escalation', expression: ESCALATION_SCHEDULE, run: () => hub.escalate() },
  ];
  const arm = (job: (typeof jobs)[number]) => {
    if (stopped) return;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      try {
        const summary = await job.run();
        await hub.settle();
        // A job with nothing to say (the every-minute alert work, mostly) stays quiet.
        if (!stopped && summary) log(`${new Date().toISOString()} ${job.name}: ${summary}`);
      } catch (error) {
        if (!stopped) log(`${new Date().toISOString()} ${job.name} failed: ${(error as Error).message}`);
      }
      arm(job);
    }, nextFiring(job.expression, new Date()));
    timers.add(timer);
  };
  jobs.forEach(arm);
  return {
    describe: () => jobs.map((j) => `${j.name} ${j.expression}`).join(', '),
    stop: () => { stopped = true; for (const t of timers) clearTimeout(t); },
  };
}
