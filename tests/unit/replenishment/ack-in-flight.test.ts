import { describe, expect, it } from 'vitest';
import { applyAck } from '../../../shared/replenishment/ack.js';
import { newRequest } from '../../../shared/replenishment/request.js';
import { RequestStateInvalidError } from '../../../shared/replenishment/errors.js';

const at = new Date('2026-05-04T10:00:00Z');
const approved = () => newRequest({
  idempotencyKey: 'sup-std|store-1|2026-05-04', supplierId: 'sup-std', locationId: 'store-1', orderDay: '2026-05-04',
  lines: [{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }],
}, { currency: 'EUR', approval: { autoApproveBelow: 1000, bySupplier: {}, byCategory: {} }, at });

describe('an acknowledgement that overtakes the record of its send', () => {
  it('is accepted when it quotes the revision being sent', () => {
    const request = approved();
    expect(request.state).toBe('approved');
    const acked = applyAck(request, { type: 'ack', messageId: 'ack-00000001', poNumber: request.idempotencyKey, revision: request.revision, status: 'accepted', promisedDate: '2026-05-09', lines: [] }, at);
    expect(acked.ackedAt).toBe(at.toISOString());
    expect(acked.lines[0]).toMatchObject({ status: 'confirmed', confirmedQty: 24, promisedDate: '2026-05-09' });
  });

  it('is refused when it quotes a revision that was never sent', () => {
    const request = approved();
    expect(() => applyAck(request, { type: 'ack', messageId: 'ack-00000002', poNumber: request.idempotencyKey, revision: request.revision + 1, status: 'accepted', lines: [] }, at))
      .toThrow(RequestStateInvalidError);
  });
});
