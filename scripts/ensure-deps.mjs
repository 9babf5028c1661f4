// Runs before `npm start` and `npm test`: installs the locked dependencies when they are missing or stale,
// so a fresh clone needs no separate set-up step.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.error('Installing dependencies (npm install, versions from package-lock.json)…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm install` rather than `npm ci`: some npm 11 releases write locks without other platforms'
  // optional packages (rollup's), which `npm ci` then refuses; install keeps the locked versions.
  const result = spawnSync(npm, ['install', '--no-fund', '--no-audit'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
