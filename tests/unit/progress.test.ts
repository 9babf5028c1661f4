// What `npm start` prints while it syncs when the output is not a terminal (CI, a log file): one line per finished
// stream and a line every ten seconds while a long one runs, never a silent gap.
import { describe, expect, it } from 'vitest';
import { describeProgress, progressDisplay } from '../../cli/progress.js';
import type { SyncProgress } from '../../connectors/sdk/sync.js';

const at = (p: Partial<SyncProgress>): SyncProgress => ({ connector: 'shop', stream: 'sales', records: 0, pages: 0, rate: 0, done: false, ...p });

describe('sync progress', () => {
  it('reads as connector › stream: records, pages, rate and the time left when the source told the total', () => {
    expect(describeProgress(at({ records: 12_340, pages: 45, rate: 2100.4, total: 40_000, etaSeconds: 13.2 })))
      .toBe('shop › sales: 12,340 of 40,000 records, 45 pages, 2,100/s, about 13 s left');
    expect(describeProgress(at({ records: 200, pages: 1, rate: 500, done: true }), 0.4)).toBe('shop › sales: 200 records, 1 page, in 400 ms, 500/s');
    expect(describeProgress(at({ records: 50_000, pages: 29, rate: 900, writing: 50_000 }))).toBe('shop › sales: 50,000 records, 29 pages, writing 50,000 to the table');
  });

  it('writes a line per finished stream and a heartbeat while one runs long, when not on a terminal', () => {
    const lines: string[] = [];
    const out = { isTTY: false, write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WriteStream;
    let now = 0;
    const display = progressDisplay(out, () => now);
    display.log('Syncing shop (shopify)…');
    display.sync(at({}));
    now = 4_000;
    display.sync(at({ records: 5_000, pages: 3, rate: 1250 }));
    now = 10_500;
    display.sync(at({ records: 9_000, pages: 6, rate: 857 }));
    now = 12_000;
    display.sync(at({ records: 9_600, pages: 7, rate: 800, done: true }));
    expect(lines).toEqual([
      'Syncing shop (shopify)…\n',
      '  shop › sales: 9,000 records, 6 pages, 857/s so far (11 s)\n',
      '  shop › sales: 9,600 records, 7 pages, in 12 s, 800/s\n',
    ]);
  });
});
