// What the replenishment domain needs from storage; shared/adapters/dynamodb/request-store.ts implements it.
import type { InventoryStore } from '../ports.js';
import type { LeadTimeObservation } from './ack.js';
import type { SupplierScorecard } from './lead-time.js';
import type { ReplenishmentRequest, RequestState } from './request.js';

/** A message from outside (supplier ack, ship notice, goods receipt), kept for audit and replay protection. */
export interface InboundMessage {
  /** Who sent it: a supplier id, or the receiving source for goods receipts. */
  senderId: string;
  /** Unique per sender; a second message with the same id is a replay. */
  messageId: string;
  kind: 'ack' | 'shipNotice' | 'receipt';
  requestKey: string;
  receivedAt: string;
  /** The payload as received (JSON or cXML text). */
  body: string;
}

export type SaveResult =
  | { status: 'saved'; request: ReplenishmentRequest }
  | { status: 'conflict' }
  | { status: 'replayed' };

export interface RequestStore {
  get(idempotencyKey: string): Promise<ReplenishmentRequest | undefined>;
  /** Several requests at once, keyed by idempotency key (absent keys are absent). */
  getMany(idempotencyKeys: readonly string[]): Promise<Map<string, ReplenishmentRequest>>;
  /** Stores a new request (version 1) unless one with its key exists; undefined when it does. */
  create(request: ReplenishmentRequest): Promise<ReplenishmentRequest | undefined>;
  /**
   * Writes `request` if the stored version is still `request.version`, bumping it, together with the message
   * (whose id must not have been seen from that sender) and lead-time observations, all or nothing.
   */
  save(request: ReplenishmentRequest, extras?: { message?: InboundMessage; observations?: LeadTimeObservation[] }): Promise<SaveResult>;
  listByState(state: RequestState): Promise<ReplenishmentRequest[]>;
  listBySupplier(supplierId: string): Promise<ReplenishmentRequest[]>;
  listMessages(idempotencyKey: string): Promise<InboundMessage[]>;
  listObservations(supplierId: string): Promise<LeadTimeObservation[]>;
  putScorecard(card: SupplierScorecard, at: Date): Promise<void>;
}

/** The part of the InventoryStore acknowledgements write through. */
export type InboundWriter = Pick<InventoryStore, 'getPosition' | 'upsertPositions'>;
