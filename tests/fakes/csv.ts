// The csv connector's "source": a temporary folder of CSV files written from a dataset.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dataset } from './dataset.js';

const cell = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function table(columns: string[], rows: object[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])).join(','))].join('\n') + '\n';
}

let tick = Date.parse('2026-05-01T00:00:00Z') / 1000;

/** Writes the documented files (positions.csv, items.csv, …) for `dataset` into `dir`. */
export function writeCsvDataset(dir: string, dataset: Dataset): void {
  const files: Record<string, string> = {
    'locations.csv': table(['id', 'name', 'kind', 'parent'], dataset.locations),
    'items.csv': table(['sku', 'name', 'category', 'unitCost', 'unitPrice', 'minQty', 'maxQty', 'moq', 'supplierId'], dataset.items),
    'suppliers.csv': table(['id', 'name', 'leadTimeDays'], dataset.suppliers),
    'positions.csv': table(['sku', 'locationId', 'onHand', 'reserved'], dataset.positions),
    'purchase-orders.csv': table(['sku', 'locationId', 'qty', 'eta', 'orderedAt', 'supplierId', 'ref'], dataset.purchaseOrders),
    'sales.csv': table(['sku', 'locationId', 'day', 'qty', 'outOfStock'], dataset.sales),
  };
  tick += 60;
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    // A distinct mtime per write, so "changed since the last sync" never depends on file-system timing.
    utimesSync(file, tick, tick);
  }
}

export interface FakeCsv {
  url: string;
  stats: { requests: number; throttled: number };
  update(next: Dataset): void;
  stop(): Promise<void>;
}

export async function startFakeCsv(dataset: Dataset): Promise<FakeCsv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stocksentry-csv-'));
  writeCsvDataset(dir, dataset);
  return {
    url: dir,
    stats: { requests: 0, throttled: 0 },
    update: (next) => writeCsvDataset(dir, next),
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
