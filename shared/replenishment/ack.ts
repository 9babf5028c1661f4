// What acknowledgements, ship notices and receipts do to a request, and the inbound they put on positions.
import type { InboundLine, PositionRecord } from '../model.js';
import type { ReplenishmentRequest, RequestLine } from './request.js';
import type { GoodsReceipt, ShipNotice, SupplierAck } from './wire.js';
import { daysBetween } from '../time.js';
import { AckInvalidError, RequestStateInvalidError } from './errors.js';

const ACKABLE = new Set(['sent', 'acknowledged', 'approved']);

/** How far after the order day a promised, ship, delivery or receipt date may fall: a year covers any real lead time. */
export const MAX_DATE_HORIZON_DAYS = 366;
/** Default share above the ordered quantity a supplier may confirm, ship or a receipt may report (replenishment.overConfirmTolerance). */
export const DEFAULT_OVER_CONFIRM_TOLERANCE = 0.1;

/** A message date must lie between `from` (the order day, or the day it was sent) and a year later: 9999-12-31 is a typo, not an ETA. */
function checkDate(date: string, from: string, field: string): void {
  const offset = daysBetween(from, date);
  if (offset < 0) throw new AckInvalidError(`${field}: ${date} is before ${from}, when the request was ordered`, field);
  if (offset > MAX_DATE_HORIZON_DAYS) throw new AckInvalidError(`${field}: ${date} is more than ${MAX_DATE_HORIZON_DAYS} days after ${from}; check the date`, field);
}

/** More than ordered (plus the tolerance) is never applied: a buyer raises the order first, then the supplier confirms it. */
function checkQty(qty: number, line: RequestLine, tolerance: number, field: string): void {
  if (qty > line.qty * (1 + tolerance)) {
    throw new AckInvalidError(`${field}: ${qty} is more than the ${line.qty} ordered on line ${line.lineNo} plus the ${Math.round(tolerance * 100)}% tolerance (replenishment.overConfirmTolerance); ask the buyer to change the order first`, field);
  }
}
const TERMINAL_LINE = new Set(['received', 'rejected', 'replanned', 'cancelled']);

function lineByNo(request: ReplenishmentRequest, lines: RequestLine[], lineNo: number, field: string): RequestLine {
  const line = lines.find((l) => l.lineNo === lineNo);
  if (!line) throw new AckInvalidError(`${field}: request ${request.idempotencyKey} has no line ${lineNo} (lines ${lines.map((l) => l.lineNo).join(', ')})`, field);
  return line;
}

const settle = (request: ReplenishmentRequest, lines: RequestLine[]): ReplenishmentRequest['state'] => {
  if (lines.every((l) => l.status === 'rejected' || l.status === 'cancelled' || l.status === 'replanned')) return 'rejected';
  return lines.every((l) => TERMINAL_LINE.has(l.status)) ? 'closed' : request.state === 'sent' ? 'acknowledged' : request.state;
};

/**
 * Applies a supplier's acknowledgement. Lines the ack does not list take the header status (accepted as ordered);
 * the promised date falls back from line to header to the line's need-by date.
 */
export function applyAck(request: ReplenishmentRequest, ack: SupplierAck, at: Date, tolerance = DEFAULT_OVER_CONFIRM_TOLERANCE): ReplenishmentRequest {
  // A supplier may answer before the sender has recorded the send; quoting the current revision proves it got it.
  const inFlight = request.state === 'approved' && ack.revision === request.revision;
  if ((request.sentRevision === undefined && !inFlight) || !ACKABLE.has(request.state)) throw new RequestStateInvalidError(request.idempotencyKey, request.state, 'acknowledged (it was not sent or is finished)');
  const lines = request.lines.map((l) => ({ ...l }));
  if (ack.promisedDate) checkDate(ack.promisedDate, request.orderDay, 'promisedDate');
  const listed = new Map(ack.lines.map((l, i) => {
    const line = lineByNo(request, lines, l.lineNo, `lines[${i}].lineNo`);
    if (l.confirmedQty !== undefined) checkQty(l.confirmedQty, line, tolerance, `lines[${i}].confirmedQty`);
    if (l.promisedDate) checkDate(l.promisedDate, request.orderDay, `lines[${i}].promisedDate`);
    return [line.lineNo, l];
  }));
  for (const line of lines) {
    if (line.status !== 'open' && line.status !== 'confirmed') continue;
    const detail = listed.get(line.lineNo);
    const status = detail?.status ?? (ack.status === 'rejected' ? 'rejected' : 'accepted');
    if (status === 'rejected') {
      Object.assign(line, { status: 'rejected', confirmedQty: 0 });
      continue;
    }
    const promisedDate = detail?.promisedDate ?? ack.promisedDate ?? line.needBy;
    Object.assign(line, { status: 'confirmed', confirmedQty: detail?.confirmedQty ?? line.qty, promisedDate });
  }
  const next = { ...request, lines, ackedAt: at.toISOString(), updatedAt: at.toISOString() };
  return { ...next, state: settle(next, lines) };
}

/** A ship notice moves the ETA to the delivery date and records what was shipped. */
export function applyShipNotice(request: ReplenishmentRequest, notice: ShipNotice, at: Date, tolerance = DEFAULT_OVER_CONFIRM_TOLERANCE): ReplenishmentRequest {
  if (request.sentRevision === undefined || !ACKABLE.has(request.state)) throw new RequestStateInvalidError(request.idempotencyKey, request.state, 'shipped (it was not sent or is finished)');
  checkDate(notice.shipDate, request.orderDay, 'shipDate');
  checkDate(notice.deliveryDate, notice.shipDate, 'deliveryDate');
  const lines = request.lines.map((l) => ({ ...l }));
  notice.lines.forEach((n, i) => {
    const line = lineByNo(request, lines, n.lineNo, `lines[${i}].lineNo`);
    if (TERMINAL_LINE.has(line.status)) throw new AckInvalidError(`lines[${i}]: line ${n.lineNo} is ${line.status} and cannot be shipped`, `lines[${i}].lineNo`);
    checkQty(n.qty, line, tolerance, `lines[${i}].qty`);
    Object.assign(line, { status: 'shipped', shippedQty: n.qty, promisedDate: notice.deliveryDate, confirmedQty: line.confirmedQty ?? line.qty });
  });
  return { ...request, lines, state: request.state === 'sent' ? 'acknowledged' : request.state, ackedAt: request.ackedAt ?? at.toISOString(), updatedAt: at.toISOString() };
}

/** One receipt of a request line: the actual lead time and how it compares with what was promised. */
export interface LeadTimeObservation {
  supplierId: string;
  sku: string;
  locationId: string;
  requestKey: string;
  orderedOn: string;
  receivedOn: string;
  leadTimeDays: number;
  promisedDate?: string;
  onTime?: boolean;
  confirmedQty: number;
  receivedQty: number;
}

/** A receipt closes the lines it names and yields one lead-time observation per line closed. */
export function applyReceipt(request: ReplenishmentRequest, receipt: GoodsReceipt, at: Date, tolerance = DEFAULT_OVER_CONFIRM_TOLERANCE):
  { request: ReplenishmentRequest; observations: LeadTimeObservation[] } {
  if (request.sentRevision === undefined) throw new RequestStateInvalidError(request.idempotencyKey, request.state, 'received (it was never sent)');
  const lines = request.lines.map((l) => ({ ...l }));
  const orderedOn = (request.sentAt ?? request.createdAt).slice(0, 10);
  checkDate(receipt.receivedOn, orderedOn, 'receivedOn');
  const observations: LeadTimeObservation[] = [];
  receipt.lines.forEach((r, i) => {
    const line = lines.find((l) => l.sku === r.sku);
    if (!line) throw new AckInvalidError(`lines[${i}].sku: request ${request.idempotencyKey} has no line for ${r.sku}`, `lines[${i}].sku`);
    checkQty(r.qty, line, tolerance, `lines[${i}].qty`);
    const firstReceipt = line.status !== 'received';
    line.receivedQty += r.qty;
    if (!firstReceipt) return;
    Object.assign(line, { status: 'received', receivedAt: receipt.receivedOn });
    const confirmedQty = line.confirmedQty ?? line.qty;
    observations.push({
      supplierId: request.supplierId, sku: line.sku, locationId: request.locationId, requestKey: request.idempotencyKey,
      orderedOn, receivedOn: receipt.receivedOn, leadTimeDays: daysBetween(orderedOn, receipt.receivedOn),
      ...(line.promisedDate ? { promisedDate: line.promisedDate, onTime: receipt.receivedOn <= line.promisedDate } : {}),
      confirmedQty, receivedQty: line.receivedQty,
    });
  });
  const next = { ...request, lines, updatedAt: at.toISOString() };
  return { request: { ...next, state: settle(next, lines) }, observations };
}

/** The `ref` of the inbound line a request line puts on its position. */
export const inboundRef = (requestKey: string, lineNo: number): string => `req:${requestKey}#${lineNo}`;

/** The inbound each confirmed or shipped line contributes: what is still to come, at the promised date. */
export function requestInbound(request: ReplenishmentRequest): Map<string, InboundLine[]> {
  const bySku = new Map<string, InboundLine[]>(request.lines.map((l) => [l.sku, []]));
  for (const line of request.lines) {
    if (line.status !== 'confirmed' && line.status !== 'shipped') continue;
    const expected = (line.shippedQty ?? line.confirmedQty ?? line.qty) - line.receivedQty;
    if (expected <= 0 || !line.promisedDate) continue;
    bySku.get(line.sku)?.push({ qty: expected, eta: line.promisedDate, orderedAt: (request.sentAt ?? request.createdAt).slice(0, 10), supplierId: request.supplierId, ref: inboundRef(request.idempotencyKey, line.lineNo) });
  }
  return bySku;
}

/** The InventoryStore source acknowledgements write inbound as; a source's write replaces only its own lines. */
export const ACK_SOURCE = 'supplier-ack';

/** Position records for InventoryStore.upsertPositions: each sku's lines of this request, scoped so other requests' lines stay. */
export function inboundRecords(request: ReplenishmentRequest): PositionRecord[] {
  return [...requestInbound(request)].map(([sku, lines]) => ({
    sku, locationId: request.locationId, inbound: lines, inboundScope: `req:${request.idempotencyKey}#`,
  }));
}
