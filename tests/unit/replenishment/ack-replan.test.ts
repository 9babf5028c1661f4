import { describe, expect, it } from 'vitest';
import { applyAck, applyReceipt, applyShipNotice, inboundRecords } from '../../../shared/replenishment/ack.js';
import { AckInvalidError, RequestStateInvalidError } from '../../../shared/replenishment/errors.js';
import { leadTimeRiskPolicy } from '../../../shared/replenishment/config.js';
import { buildScorecard } from '../../../shared/replenishment/lead-time.js';
import { overdueAcks, replanToBackup, shortfalls } from '../../../shared/replenishment/replan.js';
import { newRequest } from '../../../shared/replenishment/request.js';
import { supplierMessage } from '../../../shared/replenishment/wire.js';
import type { LeadTimeObservation } from '../../../shared/replenishment/ack.js';
import { autoApprove, draft, sentRequest, suppliers, T0 } from './fixtures.js';

const AT = new Date('2026-05-05T09:00:00Z');
const ack = (over: Partial<Parameters<typeof applyAck>[1]> = {}) => ({ type: 'ack' as const, messageId: 'ack-00000001', poNumber: 'sup-std|store-1|2026-05-04', status: 'accepted' as const, lines: [], ...over });

describe('applyAck', () => {
  it('accepts every line with the promised date', () => {
    const r = applyAck(sentRequest(), ack({ promisedDate: '2026-05-09' }), AT);
    expect(r.state).toBe('acknowledged');
    expect(r.lines.map((l) => [l.status, l.confirmedQty, l.promisedDate])).toEqual([['confirmed', 24, '2026-05-09'], ['confirmed', 12, '2026-05-09']]);
    expect(r.ackedAt).toBe(AT.toISOString());
  });

  it('takes confirmed quantities and dates per line on a partial acceptance', () => {
    const r = applyAck(sentRequest(), ack({ status: 'changed', lines: [{ lineNo: 2, status: 'changed', confirmedQty: 6, promisedDate: '2026-05-12' }] }), AT);
    expect(r.lines.map((l) => [l.lineNo, l.status, l.confirmedQty, l.promisedDate])).toEqual([[1, 'confirmed', 24, '2026-05-10'], [2, 'confirmed', 6, '2026-05-12']]);
    expect(shortfalls(r)).toEqual([{ lineNo: 2, sku: 'SKU-B', qty: 6, needBy: '2026-05-11', unitCost: 10 }]);
  });

  it('rejects the whole request', () => {
    const r = applyAck(sentRequest(), ack({ status: 'rejected', reason: 'out of stock' }), AT);
    expect(r.state).toBe('rejected');
    expect(r.lines.every((l) => l.status === 'rejected' && l.confirmedQty === 0)).toBe(true);
  });

  it('refuses an unknown line and a request that was never sent', () => {
    expect(() => applyAck(sentRequest(), ack({ lines: [{ lineNo: 9, status: 'accepted' }] }), AT)).toThrow(AckInvalidError);
    const unsent = newRequest(draft([{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }]), { currency: 'EUR', approval: autoApprove, at: T0 });
    expect(() => applyAck(unsent, ack(), AT)).toThrow(RequestStateInvalidError);
  });
});

describe('inbound on positions', () => {
  it('confirmed lines become inbound at the promised date, replacing only this request\'s lines', () => {
    const r = applyAck(sentRequest(), ack({ status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty: 12, promisedDate: '2026-05-09' }, { lineNo: 2, status: 'rejected' }] }), AT);
    const records = inboundRecords(r);
    const scope = `req:${r.idempotencyKey}#`;
    expect(records).toEqual([
      { sku: 'SKU-A', locationId: 'store-1', inboundScope: scope, inbound: [{ qty: 12, eta: '2026-05-09', orderedAt: '2026-05-04', supplierId: 'sup-std', ref: `req:${r.idempotencyKey}#1` }] },
      { sku: 'SKU-B', locationId: 'store-1', inboundScope: scope, inbound: [] },
    ]);
  });

  it('a ship notice moves the ETA; a receipt closes the line, drops its inbound and records the lead time', () => {
    const acked = applyAck(sentRequest(), ack({ promisedDate: '2026-05-09' }), AT);
    const shipped = applyShipNotice(acked, { type: 'shipNotice', messageId: 'asn-00000001', poNumber: acked.idempotencyKey, shipDate: '2026-05-08', deliveryDate: '2026-05-11', lines: [{ lineNo: 1, qty: 20 }] }, AT);
    expect(inboundRecords(shipped)[0]?.inbound).toEqual([expect.objectContaining({ qty: 20, eta: '2026-05-11' })]);
    const { request, observations } = applyReceipt(shipped, { receiptId: 'GR-1', poNumber: acked.idempotencyKey, receivedOn: '2026-05-12', lines: [{ sku: 'SKU-A', qty: 20 }] }, AT);
    expect(request.lines[0]).toMatchObject({ status: 'received', receivedQty: 20, receivedAt: '2026-05-12' });
    expect(inboundRecords(request)[0]?.inbound).toEqual([]);
    expect(observations).toEqual([{ supplierId: 'sup-std', sku: 'SKU-A', locationId: 'store-1', requestKey: acked.idempotencyKey, orderedOn: '2026-05-04', receivedOn: '2026-05-12', leadTimeDays: 8, promisedDate: '2026-05-11', onTime: false, confirmedQty: 24, receivedQty: 20 }]);
    const closed = applyReceipt(request, { receiptId: 'GR-2', poNumber: acked.idempotencyKey, receivedOn: '2026-05-12', lines: [{ sku: 'SKU-B', qty: 12 }] }, AT);
    expect(closed.request.state).toBe('closed');
  });
});

describe('re-planning to the backup supplier', () => {
  it('moves a rejection to the backup supplier as a linked request', () => {
    const rejected = applyAck(sentRequest(), ack({ status: 'rejected' }), AT);
    const outcome = replanToBackup(rejected, 'rejected', suppliers, AT);
    expect(outcome?.draft).toEqual({
      idempotencyKey: 'sup-alt|store-1|2026-05-04|replan', supplierId: 'sup-alt', locationId: 'store-1', orderDay: '2026-05-04', replannedFrom: rejected.idempotencyKey,
      lines: [{ sku: 'SKU-A', qty: 24, needBy: '2026-05-10', unitCost: 2.5 }, { sku: 'SKU-B', qty: 12, needBy: '2026-05-11', unitCost: 10 }],
    });
    expect(outcome?.request.lines.every((l) => l.status === 'replanned' || l.replannedTo === 'sup-alt|store-1|2026-05-04|replan')).toBe(true);
    expect(outcome?.finding).toMatchObject({ type: 'SUPPLY_GAP', severity: 'warning', facts: { backupSupplierId: 'sup-alt', units: 36 } });
    expect(shortfalls(outcome!.request)).toEqual([]);
  });

  it('moves only the short quantity and keeps the confirmed part', () => {
    const short = applyAck(sentRequest(), ack({ status: 'changed', lines: [{ lineNo: 2, status: 'changed', confirmedQty: 6 }] }), AT);
    const outcome = replanToBackup(short, 'short', suppliers, AT);
    expect(outcome?.draft?.lines).toEqual([{ sku: 'SKU-B', qty: 6, needBy: '2026-05-11', unitCost: 10 }]);
    expect(outcome?.request.lines[1]).toMatchObject({ status: 'confirmed', confirmedQty: 6, replannedTo: 'sup-alt|store-1|2026-05-04|replan' });
  });

  it('without a backup, raises a critical SUPPLY_GAP for a buyer', () => {
    const rejected = applyAck(sentRequest(undefined, 'sup-solo'), ack({ poNumber: 'sup-solo|store-1|2026-05-04', status: 'rejected' }), AT);
    const outcome = replanToBackup(rejected, 'rejected', suppliers, AT);
    expect(outcome?.draft).toBeUndefined();
    expect(outcome?.finding).toMatchObject({ type: 'SUPPLY_GAP', severity: 'critical', suggestedAction: expect.stringContaining('backupSupplierId') });
  });

  it('escalates a missing acknowledgement only after the SLA, on the fake clock', () => {
    const sent = sentRequest();
    expect(overdueAcks([sent], new Date('2026-05-06T07:59:59Z'))).toEqual([]);
    expect(overdueAcks([sent], new Date('2026-05-06T08:00:00Z'))).toEqual([sent]);
    const outcome = replanToBackup(sent, 'sla-missed', suppliers, new Date('2026-05-06T09:00:00Z'));
    expect(outcome?.request).toMatchObject({ state: 'cancelled', escalatedAt: '2026-05-06T09:00:00.000Z' });
    expect(outcome?.draft?.lines.map((l) => l.qty)).toEqual([24, 12]);
    expect(overdueAcks([outcome!.request], new Date('2026-05-07T00:00:00Z'))).toEqual([]);
    expect(overdueAcks([applyAck(sent, ack(), AT)], new Date('2026-05-07T00:00:00Z'))).toEqual([]);
  });
});

describe('lead-time learning', () => {
  const obs = (sku: string, receivedOn: string, leadTimeDays: number, onTime: boolean, confirmedQty = 10, receivedQty = 10): LeadTimeObservation =>
    ({ supplierId: 'sup-std', sku, locationId: 'store-1', requestKey: `k-${receivedOn}-${sku}`, orderedOn: '2026-01-01', receivedOn, leadTimeDays, promisedDate: '2026-01-06', onTime, confirmedQty, receivedQty });
  const policy = leadTimeRiskPolicy.parse({ minReceipts: 3, recentWindow: 3, ratio: 1.3, minOnTimeRate: 0.5 });

  it('computes mean, σ, on-time and fill rates per supplier and supplier × item', () => {
    const card = buildScorecard('sup-std', 5, [obs('A', '2026-02-01', 4, true), obs('A', '2026-02-08', 6, true, 10, 8), obs('B', '2026-02-03', 5, false)], policy);
    expect(card).toMatchObject({ receipts: 3, meanDays: 5, stdDevDays: 1, onTimeRate: 0.667, fillRate: 0.933, observedLeadTimes: [4, 5, 6], risk: null });
    expect(card.items['A']).toMatchObject({ receipts: 2, meanDays: 5, stdDevDays: 1.414, fillRate: 0.9 });
  });

  it('raises LEAD_TIME_RISK when the recent lead time drifts above the quote', () => {
    const history = [obs('A', '2026-01-01', 5, true), obs('A', '2026-01-10', 5, true), obs('A', '2026-02-01', 8, true), obs('A', '2026-02-10', 9, true), obs('A', '2026-02-20', 9, true)];
    const card = buildScorecard('sup-std', 5, history, policy);
    expect(card.recentMeanDays).toBe(8.667);
    expect(card.risk).toMatchObject({ type: 'LEAD_TIME_RISK', severity: 'warning', facts: { driftRatio: 1.73, quotedLeadTimeDays: 5 } });
    expect(buildScorecard('sup-std', 5, history.slice(0, 2), policy).risk).toBeNull();
  });

  it('raises LEAD_TIME_RISK when promised dates are missed', () => {
    const card = buildScorecard('sup-std', 5, [obs('A', '2026-01-01', 5, false), obs('A', '2026-01-10', 5, false), obs('A', '2026-02-01', 5, true)], policy);
    expect(card.risk?.message).toContain('33% of receipts arrived by the promised date');
  });
});

describe('supplier message quantities (found by the fuzz suite)', () => {
  const confirmed = (confirmedQty: unknown): number | undefined => {
    const message = supplierMessage.parse({ type: 'ack', messageId: 'ack-00000009', poNumber: 'k', status: 'changed', lines: [{ lineNo: 1, status: 'changed', confirmedQty }] });
    return message.type === 'ack' ? message.lines[0]?.confirmedQty : undefined;
  };

  it('rounds a quantity to 6 decimals, so a denormal 1e-320 is 0 and not a number storage refuses', () => {
    expect(confirmed(1e-320)).toBe(0);
    expect(confirmed(2.1234567)).toBe(2.123457);
    expect(confirmed('2.5')).toBe(2.5);
    expect(() => confirmed('2.1234567')).toThrow(/at most 6 decimals/);
  });
});
