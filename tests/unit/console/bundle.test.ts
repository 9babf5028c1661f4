// The console's JavaScript budget: at most 150 KB gzipped, read from the build output (a size, not a timing).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../../console/server/build.js';

beforeAll(async () => { await ensureConsoleBuilt(); }, 180_000);

describe('console bundle', () => {
  it('ships at most 150 KB of gzipped JavaScript', () => {
    const assets = path.join(CONSOLE_DIST, 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const gzipped = js.reduce((n, f) => n + gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length, 0);
    console.log(`console JavaScript: ${js.length} file(s), ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(js.length).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });
});
