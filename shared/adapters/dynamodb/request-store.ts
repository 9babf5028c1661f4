// Replenishment requests, supplier messages, replay nonces, lead-time observations and scorecards in the hub table.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';
import { batchGetRows, queryAll } from './client.js';
import type { LeadTimeObservation } from '../../replenishment/ack.js';
import type { SupplierScorecard } from '../../replenishment/lead-time.js';
import type { InboundMessage, RequestStore, SaveResult } from '../../replenishment/ports.js';
import type { ReplenishmentRequest, RequestState } from '../../replenishment/request.js';

/** Key builders of the replenishment items; `keys.request` (shared/storage/table.ts) is the request itself. */
export const requestKeys = {
  request: keys.request,
  requestsBySupplier: (supplierId: string, orderDay: string, key: string) => ({ gsi1pk: `SUPREQ#${supplierId}`, gsi1sk: `${orderDay}#${key}` }),
  /** Sorted by when the acknowledgement is due, so the SLA sweep reads the overdue ones first. */
  requestsByState: (state: RequestState, dueOrCreated: string, key: string) => ({ gsi2pk: `REQS#${state}`, gsi2sk: `${dueOrCreated}#${key}` }),
  message: (requestKey: string, receivedAt: string, senderId: string, messageId: string) => ({ pk: `REQ#${requestKey}`, sk: `MSG#${receivedAt}#${senderId}#${messageId}` }),
  nonce: (senderId: string, messageId: string) => ({ pk: `NONCE#${senderId}#${messageId}`, sk: 'NONCE' }),
  observation: (o: Pick<LeadTimeObservation, 'supplierId' | 'receivedOn' | 'requestKey' | 'sku'>) => ({ pk: `SUP#${o.supplierId}`, sk: `LT#${o.receivedOn}#${o.requestKey}#${o.sku}` }),
  scorecard: (supplierId: string) => ({ pk: `SUP#${supplierId}`, sk: 'SCORECARD' }),
} as const;

/** Nonces outlive the signature tolerance by far, so a replayed message is refused even if its timestamp were re-signed. */
const NONCE_TTL_SECONDS = 30 * 86_400;
const STORAGE_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', TABLE_TTL_ATTRIBUTE];

const strip = <T>(row: Record<string, unknown>): T => {
  const out: Record<string, unknown> = { ...row };
  for (const f of STORAGE_FIELDS) delete out[f];
  return out as T;
};

export class DynamoRequestStore implements RequestStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  private row(request: ReplenishmentRequest): Record<string, unknown> {
    return {
      ...requestKeys.request(request.idempotencyKey),
      ...requestKeys.requestsBySupplier(request.supplierId, request.orderDay, request.idempotencyKey),
      ...requestKeys.requestsByState(request.state, request.ackDueAt ?? request.createdAt, request.idempotencyKey),
      entity: 'request',
      ...request,
    };
  }

  async get(idempotencyKey: string): Promise<ReplenishmentRequest | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.request(idempotencyKey), ConsistentRead: true }));
    return out.Item ? strip<ReplenishmentRequest>(out.Item) : undefined;
  }

  async getMany(idempotencyKeys: readonly string[]): Promise<Map<string, ReplenishmentRequest>> {
    const rows = await batchGetRows(this.doc, this.tableName, idempotencyKeys.map((k) => keys.request(k)));
    return new Map([...rows.values()].map((r) => { const request = strip<ReplenishmentRequest>(r); return [request.idempotencyKey, request]; }));
  }

  async create(request: ReplenishmentRequest): Promise<ReplenishmentRequest | undefined> {
    const stored = { ...request, version: 1 };
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.row(stored), ConditionExpression: 'attribute_not_exists(pk)' }));
      return stored;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async save(request: ReplenishmentRequest, extras: { message?: InboundMessage; observations?: LeadTimeObservation[] } = {}): Promise<SaveResult> {
    const stored = { ...request, version: request.version + 1 };
    const put = { TableName: this.tableName, Item: this.row(stored), ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': request.version } };
    const { message, observations = [] } = extras;
    if (!message && observations.length === 0) {
      try {
        await this.doc.send(new PutCommand(put));
        return { status: 'saved', request: stored };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { status: 'conflict' };
        throw error;
      }
    }
    const ttl = message ? Math.floor(Date.parse(message.receivedAt) / 1000) + NONCE_TTL_SECONDS : 0;
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          { Put: put },
          ...(message ? [
            { Put: { TableName: this.tableName, Item: { ...requestKeys.nonce(message.senderId, message.messageId), entity: 'nonce', requestKey: message.requestKey, [TABLE_TTL_ATTRIBUTE]: ttl }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: { ...requestKeys.message(message.requestKey, message.receivedAt, message.senderId, message.messageId), entity: 'requestMessage', ...message } } },
          ] : []),
          ...observations.map((o) => ({ Put: { TableName: this.tableName, Item: { ...requestKeys.observation(o), entity: 'leadTime', ...o } } })),
        ],
      }));
      return { status: 'saved', request: stored };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (message && reasons[1]?.Code === 'ConditionalCheckFailed') return { status: 'replayed' };
      if (reasons[0]?.Code === 'ConditionalCheckFailed' || reasons.some((r) => r.Code === 'TransactionConflict')) return { status: 'conflict' };
      throw error;
    }
  }

  private query(input: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.tableName, ...input });
  }

  async listByState(state: RequestState): Promise<ReplenishmentRequest[]> {
    const rows = await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `REQS#${state}` } });
    return rows.map((r) => strip<ReplenishmentRequest>(r));
  }

  async listBySupplier(supplierId: string): Promise<ReplenishmentRequest[]> {
    // gsi1 holds keys only (shared/storage/table.ts): the keys in order, then the requests themselves.
    const found = await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `SUPREQ#${supplierId}` } });
    const rows = await batchGetRows(this.doc, this.tableName, found.map((k) => ({ pk: String(k.pk), sk: String(k.sk) })));
    return found.flatMap((k) => { const row = rows.get(`${String(k.pk)}|${String(k.sk)}`); return row ? [row] : []; }).map((r) => strip<ReplenishmentRequest>(r));
  }

  async listMessages(idempotencyKey: string): Promise<InboundMessage[]> {
    const rows = await this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)', ExpressionAttributeValues: { ':pk': `REQ#${idempotencyKey}`, ':msg': 'MSG#' } });
    return rows.map((r) => strip<InboundMessage>(r));
  }

  async listObservations(supplierId: string): Promise<LeadTimeObservation[]> {
    const rows = await this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :lt)', ExpressionAttributeValues: { ':pk': `SUP#${supplierId}`, ':lt': 'LT#' } });
    return rows.map((r) => strip<LeadTimeObservation>(r));
  }

  async putScorecard(card: SupplierScorecard, at: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...requestKeys.scorecard(card.supplierId), entity: 'scorecard', ...card, computedAt: at.toISOString() } }));
  }

  async getScorecard(supplierId: string): Promise<(SupplierScorecard & { computedAt: string }) | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: requestKeys.scorecard(supplierId) }));
    return out.Item ? strip<SupplierScorecard & { computedAt: string }>(out.Item) : undefined;
  }
}
