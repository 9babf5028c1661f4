import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { register, scaffoldConnector } from '../../../cli/commands/connector.js';
import { connectorConfig } from '../../../shared/config.js';
import { DynamoInventoryStore } from '../../../shared/adapters/dynamodb/inventory-store.js';
import type { AnyConnector } from '../../../connectors/sdk/contract.js';
import { runSync } from '../../../connectors/sdk/sync.js';
import { generateDataset, type Dataset } from '../../fakes/dataset.js';
import { createTestTable } from '../../support/dynamo.js';
import { fixedClock } from './conformance.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('stocksentry connector new', () => {
  it('scaffolds a connector, fake and conformance test that sync a dataset as generated', async () => {
    const name = `probe-${process.pid}`;
    const files = scaffoldConnector(name, root);
    try {
      expect(files.map((f) => path.relative(root, f))).toEqual([`connectors/${name}/index.ts`, `tests/fakes/${name}.ts`, `tests/integration/connectors/${name}.test.ts`]);
      const mod = (await import(pathToFileURL(files[0]!).href)) as Record<string, AnyConnector>;
      const fakeMod = (await import(pathToFileURL(files[1]!).href)) as Record<string, (d: Dataset) => Promise<{ url: string; stop(): Promise<void> }>>;
      const connector = Object.values(mod).find((v) => (v as AnyConnector)?.type === name)!;
      const startFake = Object.values(fakeMod)[0]!;
      const dataset = generateDataset({ items: 5, locations: 2, seed: 3 });
      const fake = await startFake(dataset);
      try {
        const table = await createTestTable();
        const store = new DynamoInventoryStore(table.doc, table.tableName);
        const config = connectorConfig.parse({ name, type: name, endpoint: fake.url, credentials: { env: 'X' } });
        const report = await runSync({ config, store, clock: fixedClock(), credentials: async () => 'test-token', connector });
        expect(report.streams[0]).toMatchObject({ name: 'positions', read: 10, written: 10, quarantined: 0 });
      } finally {
        await fake.stop();
      }
      expect(() => scaffoldConnector(name, root)).toThrow(/Not overwriting/);
    } finally {
      rmSync(path.join(root, 'connectors', name), { recursive: true, force: true });
      rmSync(files[1]!, { force: true });
      rmSync(files[2]!, { force: true });
    }
  });

  it('refuses names that are not lower-case-dashed, through the commander command', async () => {
    const program = new Command().exitOverride();
    register(program);
    await expect(program.parseAsync(['node', 'stocksentry', 'connector', 'new', 'Bad Name', '--root', root])).rejects.toThrow(/lower-case letters, digits and dashes/);
  });
});
