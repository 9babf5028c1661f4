import { describe, expect, it } from 'vitest';
import { amendRequest, consolidate, newRequest, requestKey, roundToPack, toRequestedDetail } from '../../../shared/replenishment/request.js';
import { autoApprove, draft, items, sentRequest, T0 } from './fixtures.js';

const ctx = { currency: 'EUR', approval: autoApprove, at: T0 };

describe('roundToPack', () => {
  it('raises to the MOQ, then to whole packs', () => {
    expect(roundToPack(5, { packSize: 12, moq: 24 })).toBe(24);
    expect(roundToPack(25, { packSize: 12, moq: 24 })).toBe(36);
    expect(roundToPack(7, { packSize: 6 })).toBe(12);
    expect(roundToPack(3.2, {})).toBe(4);
  });
  it('does not add a pack for float noise and orders nothing for nothing', () => {
    expect(roundToPack(36.0000000001, { packSize: 12 })).toBe(36);
    expect(roundToPack(0, { packSize: 12, moq: 24 })).toBe(0);
  });
});

describe('consolidate', () => {
  it('groups decisions per supplier × location × order day with rounded lines, prices and the earliest need-by', () => {
    const { drafts, skipped } = consolidate([
      { sku: 'SKU-B', location: 'store-1', replenish: { qty: 7, supplierId: 'sup-std', needBy: '2026-05-12' } },
      { sku: 'SKU-A', location: 'store-1', replenish: { qty: 10, supplierId: 'sup-std', needBy: '2026-05-10' } },
      { sku: 'SKU-A', location: 'store-2', replenish: { qty: 30, supplierId: 'sup-std', needBy: '2026-05-09' } },
      { sku: 'SKU-C', location: 'store-1', replenish: { qty: 3, supplierId: 'sup-alt', needBy: '2026-05-15' } },
      { sku: 'SKU-C', location: 'store-2', replenish: null },
    ], items, '2026-05-04');
    expect(skipped).toEqual([]);
    expect(drafts.map((d) => d.idempotencyKey)).toEqual(['sup-alt|store-1|2026-05-04', 'sup-std|store-1|2026-05-04', 'sup-std|store-2|2026-05-04']);
    expect(drafts[1]?.lines).toEqual([
      { sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5, category: 'dairy' },
      { sku: 'SKU-B', qty: 12, needBy: '2026-05-12', unitCost: 10, category: 'dry' },
    ]);
    expect(drafts[2]?.lines[0]?.qty).toBe(36);
  });

  it('sums duplicate decisions for one position before rounding, keeping the earlier need-by', () => {
    const { drafts } = consolidate([
      { sku: 'SKU-B', location: 'store-1', replenish: { qty: 4, supplierId: 'sup-std', needBy: '2026-05-12' } },
      { sku: 'SKU-B', location: 'store-1', replenish: { qty: 4, supplierId: 'sup-std', needBy: '2026-05-08' } },
    ], items, '2026-05-04');
    expect(drafts[0]?.lines).toEqual([{ sku: 'SKU-B', qty: 12, needBy: '2026-05-08', unitCost: 10, category: 'dry' }]);
  });

  it('reports decisions it cannot order instead of dropping them', () => {
    const { drafts, skipped } = consolidate([
      { sku: 'NOPE', location: 'store-1', replenish: { qty: 4, supplierId: 'sup-std', needBy: '2026-05-12' } },
      { sku: 'SKU-A', location: 'store-1', replenish: { qty: -1, supplierId: 'sup-std', needBy: '2026-05-12' } },
    ], items, '2026-05-04');
    expect(drafts).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([expect.stringContaining('not in the item master'), expect.stringContaining('not positive')]);
  });

  it('builds the idempotency key from supplier, location and order day', () => {
    expect(requestKey('sup-std', 'store-1', '2026-05-04')).toBe('sup-std|store-1|2026-05-04');
  });
});

describe('newRequest and amendRequest', () => {
  const lines = [{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }];

  it('prices lines and totals the request', () => {
    const r = newRequest(draft([...lines, { sku: 'SKU-B', qty: 6, needBy: '2026-05-11', unitCost: 10.1 }]), ctx);
    expect(r.lines.map((l) => [l.lineNo, l.amount])).toEqual([[1, 60], [2, 60.6]]);
    expect(r.total).toBe(120.6);
    expect(r.state).toBe('approved');
    expect(r.revision).toBe(1);
  });

  it('re-running the same evaluation amends nothing (no duplicate)', () => {
    const r = newRequest(draft(lines), ctx);
    expect(amendRequest(r, draft(lines), ctx)).toEqual({ request: r, amended: false });
  });

  it('an unsent request takes the newer quantity as a new revision', () => {
    const r = newRequest(draft(lines), ctx);
    const { request, amended } = amendRequest(r, draft([{ ...lines[0]!, qty: 36 }]), ctx);
    expect(amended).toBe(true);
    expect(request.lines).toHaveLength(1);
    expect(request.lines[0]).toMatchObject({ qty: 36, amount: 90 });
    expect(request.revision).toBe(2);
  });

  it('a sent request keeps the lines the supplier has and only adds new skus', () => {
    const sent = sentRequest();
    const { request, amended } = amendRequest(sent, draft([
      { sku: 'SKU-A', qty: 48, needBy: '2026-05-10', unitCost: 2.5 },
      { sku: 'SKU-C', qty: 10, needBy: '2026-05-12', unitCost: 0.4 },
    ]), ctx);
    expect(amended).toBe(true);
    expect(request.lines.map((l) => [l.lineNo, l.sku, l.qty])).toEqual([[1, 'SKU-A', 24], [2, 'SKU-B', 12], [3, 'SKU-C', 10]]);
    expect(request.revision).toBe(2);
    expect(request.state).toBe('approved');
    expect(request.sentRevision).toBe(1);
  });

  it('leaves finished requests alone', () => {
    const rejected = { ...sentRequest(), state: 'rejected' as const };
    expect(amendRequest(rejected, draft([{ sku: 'SKU-C', qty: 10, needBy: '2026-05-12', unitCost: 0.4 }]), ctx).amended).toBe(false);
  });

  it('maps to the ReplenishmentRequested detail of the event catalog', () => {
    const detail = toRequestedDetail(sentRequest(), T0);
    expect(detail).toEqual({
      idempotencyKey: 'sup-std|store-1|2026-05-04', supplierId: 'sup-std', locationId: 'store-1', revision: 1, requestedAt: T0.toISOString(),
      lines: [{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 }],
    });
  });
});
