import { describe, expect, it } from 'vitest';
import { approvalPolicy } from '../../../shared/replenishment/config.js';
import { approvalTask, decideApproval, evaluateApproval } from '../../../shared/replenishment/approval.js';
import { RequestLineUnknownError, RequestStateInvalidError } from '../../../shared/replenishment/errors.js';
import { newRequest } from '../../../shared/replenishment/request.js';
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
    const approved = decideApproval(pending, { action: 'approve', by: 'buyer@shop', changes: [{ sku: 'SKU-A', qty: 100 }, { sku: 'SKU-B', qty: 0 }] }, later, new Map([['SKU-A', { packSize: 12, moq: 24 }]]));
    expect(approved.state).toBe('approved');
    expect(approved.lines.map((l) => [l.sku, l.qty, l.status])).toEqual([['SKU-A', 108, 'open'], ['SKU-B', 0, 'cancelled']]);
    expect(approved.total).toBe(270);
    expect(approved.approval).toMatchObject({ decidedBy: 'buyer@shop', decidedAt: later.toISOString() });
  });

  it('cancels, and refuses to decide twice or on an unknown line', () => {
    const cancelled = decideApproval(pending, { action: 'cancel', by: 'buyer' }, T0);
    expect(cancelled.state).toBe('cancelled');
    expect(() => decideApproval(cancelled, { action: 'approve', by: 'buyer' }, T0)).toThrow(RequestStateInvalidError);
    expect(() => decideApproval(pending, { action: 'approve', by: 'b', changes: [{ sku: 'X', qty: 1 }] }, T0)).toThrow(RequestLineUnknownError);
  });
});
