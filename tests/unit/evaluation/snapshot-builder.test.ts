import { describe, expect, it } from 'vitest';
import { parseHubConfig } from '../../../shared/config.js';
import { positionSnapshot } from '../../../shared/engine/snapshot.js';
import { buildSnapshot, demandSeries } from '../../../shared/evaluation/snapshot-builder.js';
import { quantitiesChanged } from '../../../shared/evaluation/changes.js';
import type { Position } from '../../../shared/model.js';

const rules = parseHubConfig({ rules: { historyDays: 10, overrides: [{ sku: 'A', location: 'wh', minQty: 4 }] } }).rules;
const position: Position = {
  sku: 'A', locationId: 'wh', onHand: 7, reserved: 1, sources: ['shop'], version: 3, updatedAt: '2026-05-01T00:00:00Z',
  inbound: [{ qty: 5, eta: '2026-05-04', source: 'erp', ref: 'PO-1' }], openOrders: [{ qty: 2, due: '2026-05-02' }],
};

describe('demand series', () => {
  it('spans the history window, places month buckets on the right days and indexes out-of-stock days', () => {
    const series = demandSeries([
      { sku: 'A', locationId: 'wh', month: '2026-05', daily: [9, 8], outOfStockDays: [2] },
      { sku: 'A', locationId: 'wh', month: '2026-04', daily: [...Array(29).fill(0), 3], outOfStockDays: [] },
    ], '2026-05-02', 10);
    expect(series.start).toBe('2026-04-23');
    expect(series.daily).toEqual([0, 0, 0, 0, 0, 0, 0, 3, 9, 8]);
    expect(series.outOfStock).toEqual([9]);
  });

  it('starts at the first recorded month for a young position', () => {
    const series = demandSeries([{ sku: 'A', locationId: 'wh', month: '2026-05', daily: [1, 2], outOfStockDays: [] }], '2026-05-02', 365);
    expect(series).toEqual({ start: '2026-05-01', daily: [1, 2] });
  });
});

describe('snapshot builder', () => {
  it('produces a snapshot the evaluate contract accepts, with overrides, quoted and observed lead times', () => {
    const snapshot = buildSnapshot({
      position, history: undefined, asOf: '2026-05-01', rules,
      item: { sku: 'A', unitCost: 2.5, packSize: 6, supplierId: 'sup-1', category: 'toys' },
      supplier: { id: 'sup-1', leadTimeDays: 4, observedLeadTimes: [5, 6] },
      supplierConfig: { id: 'sup-1', leadTimeDays: 5, format: 'json' },
    });
    expect(positionSnapshot.parse(snapshot)).toEqual(snapshot);
    expect(snapshot).toMatchObject({
      sku: 'A', location: 'wh', onHand: 7, reserved: 1,
      inbound: [{ qty: 5, eta: '2026-05-04' }], openOrders: [{ qty: 2, due: '2026-05-02' }],
      item: { unitCost: 2.5, packSize: 6, minQty: 4, category: 'toys' },
      supplier: { id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [5, 6] },
    });
  });

  it('falls back to the default lead time for an item without a known supplier', () => {
    const snapshot = buildSnapshot({ position, history: undefined, asOf: '2026-05-01', rules });
    expect(snapshot.supplier).toEqual({ id: 'unassigned', leadTimeDays: rules.defaultLeadTimeDays });
    expect(snapshot.item.unitCost).toBe(0);
  });
});

describe('quantity changes', () => {
  it('ignores bookkeeping and notices quantity changes', () => {
    expect(quantitiesChanged(undefined, position)).toBe(true);
    expect(quantitiesChanged(position, { ...position, version: 4, updatedAt: 'later', sources: ['shop', 'erp'] })).toBe(false);
    expect(quantitiesChanged(position, { ...position, onHand: 6 })).toBe(true);
    expect(quantitiesChanged(position, { ...position, inbound: [] })).toBe(true);
    expect(quantitiesChanged(position, undefined)).toBe(false);
  });
});
