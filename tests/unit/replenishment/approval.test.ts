import { describe, expect, it } from 'vitest';
import { approvalPolicy } from '../../../shared/replenishment/config.js';
import { approvalTask, decideApproval, evaluateApproval } from '../../../shared/replenishment/approval.js';
import { RequestLineUnknownError, RequestRevisionChangedError, RequestStateInvalidError } from '../../../shared/replenishment/errors.js';
import { amendRequest, isMaterialChange, newRequest, revisionChanges } from '../../../shared/replenishment/request.js';
import { draft, T0 } from './fixtures.js';

const policy = approvalPolicy.parse({ autoApproveBelow: 500, bySupplier: { 'sup-big': 5000 }, byCategory: { dairy: 100 } });
const line = (amount: number, category?: string) => ({ amount, status: 'open' as const, ...(category ? { category } : {}) });

describe('evaluateApproval', () => {
  it('auto-approves below the default limit and asks a buyer at or above it', () => {
    expect(evaluateApproval('sup-std', [line(499.99)], policy).required).toBe(false);
    expect(evaluateApproval('sup-std', [line(300), line(200)], policy)).toMatchObject({ required: true, reason: expect.stringContaining('500') });
  });
  it('uses the supplier override', () => {
    expect(evaluateApproval('sup-big', [line(4000)], policy).required).toBe(false);
  });
  it('applies category limits to the category subtotal', () => {
    expect(evaluateApproval('sup-big', [line(60, 'dairy'), line(50, 'dairy'), line(10, 'dry')], policy))
      .toMatchObject({ required: true, reason: expect.stringContaining('category dairy subtotal 110') });
  });
  it('with the default policy every request needs a buyer', () => {
    expect(evaluateApproval('sup-std', [line(1)], approvalPolicy.parse({})).required).toBe(true);
  });
});

describe('decideApproval', () => {
  const pending = newRequest(draft([
    { sku: 'SKU-A', qty: 240, needBy: '2026-05-10', unitCost: 2.5 },
    { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 },
  ]), { currency: 'EUR', approval: policy, at: T0 });

  it('waits for a buyer and offers a routable task', () => {
    expect(pending.state).toBe('pending_approval');
    const task = approvalTask(pending, T0);
    expect(task).toMatchObject({ idempotencyKey: pending.idempotencyKey, total: 720, currency: 'EUR', labels: { supplier: 'sup-std', location: 'store-1', category: [] } });
    expect(task.lines).toHaveLength(2);
  });

  it('approves with changed quantities rounded to pack/MOQ', () => {
    const later = new Date(T0.getTime() + 3_600_000);
    const approved = decideApproval(pending, { action: 'approve', revision: 1, by: 'buyer@shop', changes: [{ sku: 'SKU-A', qty: 100 }, { sku: 'SKU-B', qty: 0 }] }, later, new Map([['SKU-A', { packSize: 12, moq: 24 }]]));
    expect(approved.state).toBe('approved');
    expect(approved.lines.map((l) => [l.sku, l.qty, l.status])).toEqual([['SKU-A', 108, 'open'], ['SKU-B', 0, 'cancelled']]);
    expect(approved.total).toBe(270);
    expect(approved.approval).toMatchObject({ decidedBy: 'buyer@shop', decidedAt: later.toISOString() });
  });

  it('cancels, and refuses to decide twice or on an unknown line', () => {
    const cancelled = decideApproval(pending, { action: 'cancel', revision: 1, by: 'buyer' }, T0);
    expect(cancelled.state).toBe('cancelled');
    expect(() => decideApproval(cancelled, { action: 'approve', revision: 1, by: 'buyer' }, T0)).toThrow(RequestStateInvalidError);
    expect(() => decideApproval(pending, { action: 'approve', revision: 1, by: 'b', changes: [{ sku: 'X', qty: 1 }] }, T0)).toThrow(RequestLineUnknownError);
  });
});

describe('a decision is bound to the revision the buyer saw', () => {
  const ctx = { currency: 'EUR', approval: policy, at: T0 };
  const rev1 = newRequest(draft([{ sku: 'SKU-A', qty: 240, needBy: '2026-05-10', unitCost: 2.5 }]), ctx);
  const later = new Date(T0.getTime() + 3_600_000);
  // The day's second evaluation adds a line and doubles SKU-A: revision 2, much larger.
  const rev2 = amendRequest(rev1, draft([{ sku: 'SKU-A', qty: 480, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-C', qty: 40, needBy: '2026-05-12', unitCost: 20 }]), { ...ctx, at: later }).request;

  it('refuses a stale revision and says what changed since', () => {
    expect(rev2.revision).toBe(2);
    let refused: unknown;
    try { decideApproval(rev2, { action: 'approve', revision: 1, by: 'dana' }, later); } catch (error) { refused = error; }
    expect(refused).toBeInstanceOf(RequestRevisionChangedError);
    const stale = refused as RequestRevisionChangedError;
    expect(stale).toMatchObject({ code: 'REQUEST_REVISION_CHANGED', seenRevision: 1, currentRevision: 2 });
    expect(stale.changes).toMatchObject({ added: [{ sku: 'SKU-C', qty: 40, amount: 800 }], changed: [{ sku: 'SKU-A', fromQty: 240, toQty: 480 }], totalFrom: 600, totalTo: 2000 });
    expect(stale.message).toContain('added SKU-C (40); SKU-A 240 → 480; total 600.00 → 2000.00 EUR');
    expect(stale.message).toMatch(/Look at revision 2 and decide again/);
    // Rejecting an old revision is refused the same way; the current revision is decided.
    expect(() => decideApproval(rev2, { action: 'cancel', revision: 1, by: 'dana' }, later)).toThrow(RequestRevisionChangedError);
    expect(decideApproval(rev2, { action: 'approve', revision: 2, by: 'dana' }, later)).toMatchObject({ state: 'approved', total: 2000 });
  });

  it('counts added or removed lines and a total moved by more than the share as material, small drifts not', () => {
    const base = { revision: 1, total: 1000, lines: [{ sku: 'A', qty: 10, amount: 1000 }] };
    expect(isMaterialChange(revisionChanges(base, { revision: 2, total: 1090, lines: [{ sku: 'A', qty: 11, amount: 1090 }] }), 0.1)).toBe(false);
    expect(isMaterialChange(revisionChanges(base, { revision: 2, total: 1110, lines: [{ sku: 'A', qty: 11, amount: 1110 }] }), 0.1)).toBe(true);
    expect(isMaterialChange(revisionChanges(base, { revision: 2, total: 880, lines: [{ sku: 'A', qty: 9, amount: 880 }] }), 0.1)).toBe(true);
    expect(isMaterialChange(revisionChanges(base, { revision: 2, total: 1000, lines: [{ sku: 'A', qty: 10, amount: 990 }, { sku: 'B', qty: 1, amount: 10 }] }), 0.1)).toBe(true);
  });

  it('asks the buyers again only when the change since the announced revision is material', () => {
    expect(rev1.announcedRevision).toBe(1);
    expect(rev2.announcedRevision).toBe(2);
    const drift = amendRequest(rev2, draft([{ sku: 'SKU-A', qty: 500, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-C', qty: 40, needBy: '2026-05-12', unitCost: 20 }]), { ...ctx, at: later }).request;
    expect(drift).toMatchObject({ revision: 3, total: 2050, announcedRevision: 2 });
    expect(drift.history?.map((h) => h.revision)).toEqual([1, 2, 3]);
  });
});
