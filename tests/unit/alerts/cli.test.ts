import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseMatchers, register } from '../../../cli/commands/alerts.js';
import { MemoryAlertStore, reconcilePosition, type AlertEvent } from '../../../shared/alerts/index.js';
import { FakeClock, finding, MIN, settingsFor } from './fixtures.js';

async function cli() {
  const store = new MemoryAlertStore();
  const settings = settingsFor();
  const clock = new FakeClock(Date.parse('2026-05-04T08:00:00Z'));
  const published: AlertEvent[] = [];
  const out: string[] = [];
  const [a] = await reconcilePosition({ sku: 'SKU-1', locationId: 'store-north', findings: [finding('STOCKOUT', 'critical')], now: clock.now() }, { store, settings });
  await reconcilePosition({ sku: 'SKU-2', locationId: 'store-south', findings: [finding('EXPIRY')], now: clock.now() }, { store, settings });
  const run = async (...args: string[]) => {
    const program = new Command().exitOverride();
    register(program, async () => ({ store, settings, publish: async (e) => { published.push(...e); } }), clock, (t) => out.push(t));
    out.length = 0;
    await program.parseAsync(['node', 'stocksentry', 'alerts', ...args]);
    return out.join('\n');
  };
  return { store, clock, run, published, fp: a!.alert.fingerprint };
}

describe('stocksentry alerts', () => {
  it('lists open alerts, filters by location, acknowledges and shows the history', async () => {
    const { run, fp, clock, published } = await cli();
    const listed = await run('list');
    expect(listed.split('\n')).toHaveLength(3);
    expect(await run('list', '--location', 'store-north')).toContain(`${fp}  open`);
    clock.advance(12 * MIN);
    expect(await run('ack', fp, '--by', 'ann', '--note', 'transfer booked')).toBe(`Acknowledged ${fp} (STOCKOUT SKU-1 @ store-north).`);
    expect(published.map((e) => e.type)).toEqual(['AlertAcknowledged']);
    expect(await run('show', fp)).toMatch(/acknowledged\s+open -> acknowledged\s+ann\s+"transfer booked"/);
  });

  it('silences by label matchers, lists and ends silences', async () => {
    const { run, store } = await cli();
    expect(await run('silence', 'location=store-north', 'sku=~SKU-1.*', '--for', '2h', '--id', 'count', '--note', 'stock count', '--by', 'ann'))
      .toBe('Silence count until 2026-05-04T10:00:00.000Z.');
    expect((await store.listSilences())[0]).toMatchObject({ match: { location: ['store-north'] }, matchRe: { sku: 'SKU-1.*' }, comment: 'stock count' });
    expect(await run('silence')).toMatch(/count\s+2026-05-04T10:00:00.000Z\s+location=store-north sku=~SKU-1\.\*\s+ann\s+stock count/);
    expect(await run('silence', '--expire', 'count')).toBe('Silence count ended.');
    await expect(run('silence', 'location=x', '--note', 'n')).rejects.toThrow(/--for/);
  });

  it('prints the stats people use to judge the alerts', async () => {
    const { run, fp, clock } = await cli();
    clock.advance(20 * MIN);
    await run('ack', fp);
    const stats = await run('stats', '--days', '30', '--positions', '40');
    expect(stats).toContain('Alerts opened 2026-04-04 to 2026-05-04: 2');
    expect(stats).toContain('share acted on:           50%');
    expect(stats).toContain('median 20 min');
    expect(stats).toMatch(/alerts per position-month: 0\.051 \(40 positions, 1\.0 months\)/);
  });

  it('rejects a matcher on an unknown label', () => {
    expect(() => parseMatchers(['aisle=3'])).toThrow(/label among type, severity, sku, location/);
  });
});
