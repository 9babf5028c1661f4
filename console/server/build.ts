// Builds the console with Vite when its build is missing or older than its sources, so `npm start` serves it on a
// fresh clone without a separate step (a few seconds, once).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built app (git-ignored). */
export const CONSOLE_DIST = path.join(ROOT, 'console', 'dist');
export const CONSOLE_CONFIG = path.join(ROOT, 'console', 'vite.config.ts');
/** What the bundle is made of: its own code, the shared catalogue and links, and the locked dependencies. */
const SOURCES = ['console/client', 'console/api/schema.ts', 'console/vite.config.ts', 'shared/i18n', 'shared/console-links.ts', 'package-lock.json'];

async function newest(p: string): Promise<number> {
  const s = await stat(p).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(p);
  return Math.max(s.mtimeMs, ...(await Promise.all(entries.map((e) => newest(path.join(p, e))))));
}

export async function consoleBuildIsCurrent(): Promise<boolean> {
  const built = await stat(path.join(CONSOLE_DIST, 'index.html')).catch(() => undefined);
  if (!built) return false;
  const sources = Math.max(...(await Promise.all(SOURCES.map((s) => newest(path.join(ROOT, s))))));
  return sources <= built.mtimeMs;
}

/** Builds unless current; returns whether it built. Vite is imported only when needed (it is a build tool). */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<boolean> {
  if (await consoleBuildIsCurrent()) return false;
  log('Building the console (once, after a change to its sources)…');
  const { build } = await import('vite');
  await build({ configFile: CONSOLE_CONFIG, logLevel: 'warn' });
  return true;
}
