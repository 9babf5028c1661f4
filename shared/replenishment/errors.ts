// Typed errors of the replenishment domain: a code, the offending location, and what to do.
import { describeChanges, type ReplenishmentRequest, type RevisionChanges } from './request.js';

export type ReplenishmentErrorCode =
  | 'REQUEST_NOT_FOUND' | 'REQUEST_STATE_INVALID' | 'REQUEST_CONFLICT' | 'REQUEST_LINE_UNKNOWN' | 'REQUEST_REVISION_CHANGED'
  | 'ACK_INVALID' | 'ACK_SIGNATURE_INVALID' | 'ACK_REPLAYED' | 'SUPPLIER_UNKNOWN' | 'DELIVERY_FAILED' | 'FORMAT_UNKNOWN'
  | 'RECEIPT_FORBIDDEN';

export class ReplenishmentError extends Error {
  constructor(readonly code: ReplenishmentErrorCode, message: string, readonly location?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplenishmentError';
  }
}

export class RequestNotFoundError extends ReplenishmentError {
  constructor(idempotencyKey: string) {
    super('REQUEST_NOT_FOUND', `No replenishment request "${idempotencyKey}". Check the key (supplier|location|YYYY-MM-DD) with \`stocksentry suppliers requests\`.`, idempotencyKey);
    this.name = 'RequestNotFoundError';
  }
}

export class RequestStateInvalidError extends ReplenishmentError {
  constructor(idempotencyKey: string, state: string, action: string) {
    super('REQUEST_STATE_INVALID', `Request "${idempotencyKey}" is ${state}, so it cannot be ${action}.`, idempotencyKey);
    this.name = 'RequestStateInvalidError';
  }
}

export class RequestConflictError extends ReplenishmentError {
  constructor(idempotencyKey: string, attempts: number) {
    super('REQUEST_CONFLICT', `Request "${idempotencyKey}" kept changing under ${attempts} attempts; retry the operation.`, idempotencyKey);
    this.name = 'RequestConflictError';
  }
}

/**
 * A decision taken on a revision the request has since left: the person decided on something else. `changes` says
 * what differs since the revision they saw (when that revision is on record).
 */
export class RequestRevisionChangedError extends ReplenishmentError {
  readonly currentRevision: number;
  constructor(request: Pick<ReplenishmentRequest, 'idempotencyKey' | 'revision' | 'currency'>, readonly seenRevision: number, readonly changes?: RevisionChanges) {
    super('REQUEST_REVISION_CHANGED', `Request "${request.idempotencyKey}" changed since revision ${seenRevision}: it is at revision ${request.revision} now `
      + `(${changes ? describeChanges(changes, request.currency) : `revision ${seenRevision} is not on record`}). Look at revision ${request.revision} and decide again.`, request.idempotencyKey);
    this.name = 'RequestRevisionChangedError';
    this.currentRevision = request.revision;
  }
}

export class RequestLineUnknownError extends ReplenishmentError {
  constructor(idempotencyKey: string, line: string) {
    super('REQUEST_LINE_UNKNOWN', `Request "${idempotencyKey}" has no line ${line}; use the lineNo or sku of the request as sent.`, `${idempotencyKey}#${line}`);
    this.name = 'RequestLineUnknownError';
  }
}

export class AckInvalidError extends ReplenishmentError {
  constructor(message: string, location?: string) {
    super('ACK_INVALID', message, location);
    this.name = 'AckInvalidError';
  }
}

export class AckSignatureInvalidError extends ReplenishmentError {
  constructor(supplierId: string, reason: string) {
    super('ACK_SIGNATURE_INVALID', `Signature check failed for supplier "${supplierId}": ${reason}. Sign the raw body with the supplier's shared secret (header stocksentry-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">).`, supplierId);
    this.name = 'AckSignatureInvalidError';
  }
}

export class AckReplayedError extends ReplenishmentError {
  constructor(supplierId: string, nonce: string) {
    super('ACK_REPLAYED', `Message "${nonce}" from supplier "${supplierId}" was already processed; send each acknowledgement with a new id.`, `${supplierId}#${nonce}`);
    this.name = 'AckReplayedError';
  }
}

export class SupplierUnknownError extends ReplenishmentError {
  constructor(supplierId: string) {
    super('SUPPLIER_UNKNOWN', `No supplier "${supplierId}" in hub.config suppliers; add it there or fix the id.`, supplierId);
    this.name = 'SupplierUnknownError';
  }
}

export class ReceiptForbiddenError extends ReplenishmentError {
  constructor(idempotencyKey: string, supplierId: string) {
    super('RECEIPT_FORBIDDEN', `Request "${idempotencyKey}" is not an order of supplier "${supplierId}": a supplier may post receipts for its own orders only; the hub's receiving connector posts the others.`, idempotencyKey);
    this.name = 'ReceiptForbiddenError';
  }
}
