// The canonical JSON wire formats suppliers see: the order we send, the acknowledgement and ship notice they send back.
import { z } from 'zod';
import { isoDate, isoDateTime } from '../model.js';

/** Quantities and prices travel as decimal strings (no float noise); inbound also accepts JSON numbers. */
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal string like "10" or "4.50"');

/** The largest quantity a supplier message may carry: far above any order line, far below where a float loses units. */
export const MAX_MESSAGE_QUANTITY = 1_000_000_000;
/**
 * An inbound quantity: a JSON number, or the decimal string the canonical format itself uses (coerced explicitly),
 * at most 6 decimals and MAX_MESSAGE_QUANTITY.
 */
const QUANTITY_TEXT = /^\d{1,10}(\.\d{1,6})?$/;
const QUANTITY_MESSAGE = 'expected a quantity: a number, or a decimal string like "10" or "4.5" (at most 6 decimals)';
const quantity = z.union([z.number(), z.string().regex(QUANTITY_TEXT, QUANTITY_MESSAGE)], { error: QUANTITY_MESSAGE })
  // Rounded to 6 decimals like connector quantities: a denormal 1e-320 is 0, not a number storage cannot hold.
  .transform((v) => Math.round(Number(v) * 1e6) / 1e6).pipe(z.number().finite().nonnegative().max(MAX_MESSAGE_QUANTITY, `expected at most ${MAX_MESSAGE_QUANTITY.toLocaleString('en')}`));
/** Identifiers that become parts of storage keys: bounded well under DynamoDB's key size. */
const key = z.string().min(1).max(200);
const lineNo = z.number().int().positive().max(100_000);

export const ORDER_SCHEMA_ID = 'stocksentry.replenishment-request/v1';

export const canonicalOrder = z.object({
  schema: z.literal(ORDER_SCHEMA_ID),
  /** The request's idempotency key: supplier|location|orderDay. Quote it in every acknowledgement. */
  poNumber: z.string().min(1),
  /** 1 for the first send; higher numbers replace the earlier revision (change order). */
  revision: z.number().int().positive(),
  type: z.enum(['new', 'update']),
  issueDate: isoDate,
  issuedAt: isoDateTime,
  buyerId: z.string().min(1),
  supplierId: z.string().min(1),
  shipTo: z.object({ locationId: z.string().min(1) }),
  currency: z.string().regex(/^[A-Z]{3}$/),
  total: decimalString,
  lines: z.array(z.object({
    lineNo: z.number().int().positive(),
    sku: z.string().min(1),
    supplierSku: z.string().min(1).optional(),
    qty: decimalString,
    uom: z.string().min(1),
    unitPrice: decimalString,
    requestedDate: isoDate,
  })).min(1),
});
export type CanonicalOrder = z.infer<typeof canonicalOrder>;

const lineAck = z.object({
  lineNo,
  status: z.enum(['accepted', 'changed', 'rejected']),
  confirmedQty: quantity.optional(),
  promisedDate: isoDate.optional(),
}).superRefine((l, ctx) => {
  if (l.status === 'changed' && l.confirmedQty === undefined) ctx.addIssue({ code: 'custom', path: ['confirmedQty'], message: 'a changed line needs confirmedQty' });
});

/** Supplier → hub: accept, partial accept (confirmed qty per line) or reject, with the promised delivery date. */
export const supplierAck = z.object({
  type: z.literal('ack'),
  /** Unique per message; a repeated id is rejected as a replay. */
  messageId: z.string().min(8).max(128),
  poNumber: key,
  revision: z.number().int().positive().max(1_000_000).optional(),
  status: z.enum(['accepted', 'changed', 'rejected']),
  promisedDate: isoDate.optional(),
  reason: z.string().max(500).optional(),
  lines: z.array(lineAck).max(10_000).default([]),
});
export type SupplierAck = z.infer<typeof supplierAck>;

/** Supplier → hub: goods shipped, with the expected delivery date (the new ETA). */
export const shipNotice = z.object({
  type: z.literal('shipNotice'),
  messageId: z.string().min(8).max(128),
  poNumber: key,
  shipDate: isoDate,
  deliveryDate: isoDate,
  lines: z.array(z.object({ lineNo, qty: quantity })).min(1).max(10_000),
});
export type ShipNotice = z.infer<typeof shipNotice>;

export const supplierMessage = z.discriminatedUnion('type', [supplierAck, shipNotice]);
export type SupplierMessage = z.infer<typeof supplierMessage>;

/** Warehouse → hub (ERP connector or API): goods received against a request. */
export const goodsReceipt = z.object({
  receiptId: z.string().min(1).max(128),
  poNumber: key,
  receivedOn: isoDate,
  lines: z.array(z.object({ sku: key, qty: quantity })).min(1).max(10_000),
});
export type GoodsReceipt = z.infer<typeof goodsReceipt>;
