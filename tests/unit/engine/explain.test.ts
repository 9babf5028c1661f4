import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotNotFoundError, explainFromFile, formatExplanation } from '../../../cli/commands/explain.js';
import { defaultRules, snapshot } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'snapshots.jsonl');
writeFileSync(file, [
  JSON.stringify(snapshot({ sku: 'SKU-1', location: 'north', onHand: 45 })),
  'not json at all',
  JSON.stringify(snapshot({ sku: 'SKU-2', location: 'north' })),
  JSON.stringify(snapshot({ sku: 'SKU-1', location: 'south', onHand: 300 })),
].join('\n'));

describe('stocksentry explain', () => {
  it('finds the position and prints every number behind its decision', async () => {
    const [decision] = await explainFromFile(file, 'SKU-1', 'north', defaultRules);
    expect(decision).toMatchObject({ sku: 'SKU-1', location: 'north' });
    expect(decision?.explain.projection).toHaveLength(defaultRules.horizonDays + 1);
    const text = formatExplanation(decision!);
    for (const needle of ['available 45', 'model smooth', 'safety stock', 'reorder point = lead-time demand', 'order-up-to', 'STOCKOUT_RISK', 'service level 0.95 (default)', 'projection']) {
      expect(text).toContain(needle);
    }
    expect(text).toContain(String(decision?.reorderPoint));
  });

  it('lists every location of the SKU without --location, and names what is missing', async () => {
    const all = await explainFromFile(file, 'SKU-1', undefined, defaultRules);
    expect(all.map((d) => d.location).sort()).toEqual(['north', 'south']);
    await expect(explainFromFile(file, 'SKU-9', 'north', defaultRules)).rejects.toThrow(SnapshotNotFoundError);
  });
});
