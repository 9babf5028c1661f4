// The process table as Linux shows it in /proc: who is whose child, and who is still running.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat { pid: number; ppid: number; state: string; /** CPU seconds used, user + system. */ cpuSeconds: number }

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux the hub runs on). */
const TICKS = 100;

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: read after its closing one.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return { pid, state: rest[0]!, ppid: Number(rest[1]), cpuSeconds: (Number(rest[11]) + Number(rest[12])) / TICKS };
  } catch {
    return undefined;
  }
}

/** Running (a zombie has finished; only its exit status is left for its parent). */
export function running(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** CPU seconds a process has used so far (the benches weigh DynamoDB Local's JVM with it); undefined off Linux. */
export function cpuSecondsOf(pid: number): number | undefined {
  return stat(pid)?.cpuSeconds;
}

export function parentOf(pid: number): number | undefined {
  return stat(pid)?.ppid;
}

/** Every process below `root`, however deep (children that started their own session included). */
export function descendants(root: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => stat(Number(d))).filter((s): s is ProcStat => s !== undefined);
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of all.filter((s) => s.ppid === pid)) {
      found.push(child.pid);
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Waits until none of `pids` runs, or the time is up; returns those still running. */
export async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(running);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
