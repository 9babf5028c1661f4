// The process table as Linux shows it in /proc: who is whose child, and who is still running.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat { pid: number; ppid: number; state: string }

function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: read after its closing one.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Running (a zombie has finished; only its exit status is left for its parent). */
export function running(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
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
