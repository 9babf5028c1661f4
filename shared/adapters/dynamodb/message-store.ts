// MessageStore on the hub table: the alert sets behind "acknowledge all" links and what each buyer was last sent
// of a request waiting for approval. Both expire on their own (TTL).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalSeen, LinkSet, MessageStore } from '../../alerts/ports.js';
import { TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';

/** Keys this adapter adds to the single-table layout. */
export const messageKeys = {
  linkSet: (id: string) => ({ pk: `LINKSET#${id}`, sk: 'LINKSET' }),
  approvalSeen: (requestKey: string, receiver: string) => ({ pk: `REQ#${requestKey}`, sk: `SEEN#${receiver}` }),
} as const;

/** A buyer's last-seen revision matters while the request can still change; requests are per day. */
const SEEN_KEEP_SECONDS = 90 * 86_400;
const STORAGE_FIELDS = new Set(['pk', 'sk', 'entity', TABLE_TTL_ATTRIBUTE]);
const strip = <T>(item: Record<string, unknown>): T => Object.fromEntries(Object.entries(item).filter(([k]) => !STORAGE_FIELDS.has(k))) as T;
const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export class DynamoMessageStore implements MessageStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async putLinkSet(set: LinkSet): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...messageKeys.linkSet(set.id), entity: 'linkSet', ...set, [TABLE_TTL_ATTRIBUTE]: epoch(set.expiresAt) } }));
  }

  async getLinkSet(id: string): Promise<LinkSet | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: messageKeys.linkSet(id), ConsistentRead: true }));
    return out.Item ? strip<LinkSet>(out.Item) : undefined;
  }

  async getApprovalSeen(requestKey: string, receiver: string): Promise<ApprovalSeen | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: messageKeys.approvalSeen(requestKey, receiver), ConsistentRead: true }));
    return out.Item ? strip<ApprovalSeen>(out.Item) : undefined;
  }

  async putApprovalSeen(seen: ApprovalSeen): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...messageKeys.approvalSeen(seen.requestKey, seen.receiver), entity: 'approvalSeen', ...seen, [TABLE_TTL_ATTRIBUTE]: epoch(seen.sentAt) + SEEN_KEEP_SECONDS },
    }));
  }
}
