// Runs before `npm start` and `npm test`: installs the locked dependencies when they are missing or stale,
// so a fresh clone needs no separate set-up step.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.error('Installing dependencies (npm ci)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-fund', '--no-audit'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
