import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshot } from './fixtures.js';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
// tsx by its own address, so a child may run in any directory.
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'engine-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('stocksentry explain and backtest (child process)', () => {
  it('explain prints the numbers of one position', async () => {
    const file = path.join(dir, 'snapshots.jsonl');
    writeFileSync(file, `${JSON.stringify(snapshot({ sku: 'TEA', location: 'north' }))}\n`);
    const { code, stdout } = await run(['explain', '--sku', 'TEA', '--location', 'north', '--file', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^TEA @ north as of 2026-05-01/);
    expect(stdout).toContain('safety stock');
  });

  it('backtest prints the per-pattern table against both baselines', async () => {
    const { code, stdout } = await run(['backtest', '--positions', '1', '--days', '30', '--seed', '7']);
    expect(code).toBe(0);
    for (const needle of ['| smooth | engine |', '| new-item | static-minmax |', '| **overall** | rolling-rop |', '| erratic | engine |', 'fill rate overall']) expect(stdout).toContain(needle);
  });

  it('backtest --frontier prints inventory at matched fill and writes the chart as SVG', async () => {
    const plot = path.join(dir, 'frontier.svg');
    const { code, stdout } = await run(['backtest', '--frontier', '--positions', '1', '--days', '40', '--seeds', '3', '--plot', plot]);
    expect(code).toBe(0);
    for (const needle of ['| **overall** |', 'engine ÷ oracle', '| oracle | 0.9 |', 'Alert quality on the same footing', 'inventory ≤ 1.10×']) expect(stdout).toContain(needle);
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['overall', 'intermittent', 'oracle', 'rolling-rop']) expect(svg).toContain(label);
  }, 120_000); // a child process that sweeps four policies and loads Vega: slow on a busy machine

  it('backtest --frontier without --plot writes no file (a checkout stays clean)', async () => {
    const cwd = path.join(dir, 'no-plot');
    mkdirSync(cwd);
    const { code, stdout } = await run(['backtest', '--frontier', '--positions', '1', '--days', '20', '--seeds', '3'], cwd);
    expect(code).toBe(0);
    expect(stdout).toContain('| **overall** |');
    expect(stdout).not.toContain('Chart:');
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);
});
