// AlertStore on the hub table: alert state, audit trail, archived occurrences, silences and notification groups.
// Every alert transition is one transaction: the conditional write of the alert plus its audit line.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
  type BatchGetCommandInput, type BatchGetCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ACTIVE_STATES, AlertConflictError, GroupConflictError, type Alert, type AlertAuditEntry, type AlertState, type Silence } from '../../alerts/model.js';
import type { AlertFilter, AlertGroup, AlertStore } from '../../alerts/ports.js';
import { keys, TABLE_INDEXES, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';

/** Keys this adapter adds to the single-table layout (shared/storage/table.ts has the alert and alertEvent keys). */
export const alertKeys = {
  /** Resolved alerts are indexed per month opened, so one partition never holds the whole history. */
  resolvedByMonth: (openedAt: string) => ({ gsi2pk: `ALERTS#resolved#${openedAt.slice(0, 7)}`, gsi2sk: openedAt }),
  archived: (fp: string, openedAt: string, alertId: string) => ({ pk: `ALERT#${fp}`, sk: `OCC#${openedAt}#${alertId}` }),
  archivedByMonth: (openedAt: string) => ({ gsi2pk: `ALERTS#archived#${openedAt.slice(0, 7)}`, gsi2sk: openedAt }),
  silence: (id: string) => ({ pk: `SILENCE#${id}`, sk: 'SILENCE' }),
  silences: (endsAt: string) => ({ gsi2pk: 'SILENCES', gsi2sk: endsAt }),
  group: (key: string) => ({ pk: `ALERTGROUP#${key}`, sk: 'GROUP' }),
  /** Sparse: only groups with a pending flush are in the index. */
  groupDue: (nextFlushAt: string) => ({ gsi2pk: 'ALERTGROUPS#due', gsi2sk: nextFlushAt }),
} as const;

export type AlertEntity = 'alert' | 'alertEvent' | 'alertArchive' | 'silence' | 'alertGroup';

const GSI2 = TABLE_INDEXES[1].indexName;
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', TABLE_TTL_ATTRIBUTE];
const SILENCE_KEEP_SECONDS = 30 * 86_400;

const strip = <T>(item: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k))) as T;

const stateIndex = (alert: Alert) => (alert.state === 'resolved' ? alertKeys.resolvedByMonth(alert.openedAt) : keys.alertsByState(alert.state, alert.openedAt));

const months = (from: string, to: string): string[] => {
  const out: string[] = [];
  const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  while (d.toISOString().slice(0, 7) <= to.slice(0, 7)) {
    out.push(d.toISOString());
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
};

const failedCondition = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException
  || (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

export class DynamoAlertStore implements AlertStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async getAlert(fp: string): Promise<Alert | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.alert(fp), ConsistentRead: true }));
    return out.Item ? strip<Alert>(out.Item) : undefined;
  }

  async getAlerts(fps: readonly string[]): Promise<Alert[]> {
    const unique = [...new Set(fps)];
    const found: Alert[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      let request: BatchGetCommandInput['RequestItems'] = {
        [this.tableName]: { Keys: unique.slice(i, i + 100).map((fp) => keys.alert(fp)), ConsistentRead: true },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const out: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(out.Responses?.[this.tableName] ?? []).map((item) => strip<Alert>(item)));
        request = out.UnprocessedKeys;
      }
    }
    return found;
  }

  async saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void> {
    const alertCondition = expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } };
    try {
      await this.doc.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...next, ...keys.alert(next.fingerprint), ...stateIndex(next), entity: 'alert' satisfies AlertEntity }, ...alertCondition } },
          { Put: { TableName: this.tableName, Item: { ...audit, ...keys.alertEvent(audit.fingerprint, audit.at, audit.seq), entity: 'alertEvent' satisfies AlertEntity }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...(archive ? [{ Put: { TableName: this.tableName, Item: { ...archive, ...alertKeys.archived(archive.fingerprint, archive.openedAt, archive.alertId), ...alertKeys.archivedByMonth(archive.openedAt), entity: 'alertArchive' satisfies AlertEntity } } }] : []),
        ],
      }));
    } catch (error) {
      if (failedCondition(error)) throw new AlertConflictError(next.fingerprint);
      throw error;
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private queryIndex(gsi2pk: string, range: { from?: string; to?: string }, location?: string): Promise<Record<string, unknown>[]> {
    const names: Record<string, string> = { '#pk': 'gsi2pk' };
    const values: Record<string, unknown> = { ':pk': gsi2pk };
    let condition = '#pk = :pk';
    if (range.from || range.to) {
      names['#sk'] = 'gsi2sk';
      values[':from'] = range.from ?? '0';
      values[':to'] = range.to ?? '9';
      condition += ' AND #sk BETWEEN :from AND :to';
    }
    if (location) { names['#loc'] = 'locationId'; values[':loc'] = location; }
    return this.queryAll({
      TableName: this.tableName, IndexName: GSI2, KeyConditionExpression: condition,
      FilterExpression: location ? '#loc = :loc' : undefined, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
    });
  }

  /** Resolved alerts need a time range (default: the last 12 months); active ones are listed in full. */
  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    const states: readonly AlertState[] = filter.states ?? ACTIVE_STATES;
    const range = { from: filter.openedFrom, to: filter.openedTo };
    const partitions = states.flatMap((s) => (s === 'resolved'
      ? months(filter.openedFrom ?? new Date(Date.now() - 365 * 86_400_000).toISOString(), filter.openedTo ?? new Date().toISOString()).map((m) => alertKeys.resolvedByMonth(m).gsi2pk)
      : [keys.alertsByState(s, '').gsi2pk]));
    const items = (await Promise.all(partitions.map((p) => this.queryIndex(p, range, filter.location)))).flat();
    return items.map((i) => strip<Alert>(i))
      .filter((a) => !filter.openedTo || a.openedAt < filter.openedTo)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  }

  async listArchivedAlerts(from: string, to: string): Promise<Alert[]> {
    const items = (await Promise.all(months(from, to).map((m) => this.queryIndex(alertKeys.archivedByMonth(m).gsi2pk, { from, to })))).flat();
    return items.map((i) => strip<Alert>(i)).filter((a) => a.openedAt < to);
  }

  async history(fp: string): Promise<AlertAuditEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': keys.alert(fp).pk, ':event': 'EVENT#' },
    });
    return items.map((i) => strip<AlertAuditEntry>(i));
  }

  async putSilence(silence: Silence): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...silence, ...alertKeys.silence(silence.id), ...alertKeys.silences(silence.endsAt), entity: 'silence' satisfies AlertEntity, [TABLE_TTL_ATTRIBUTE]: Math.floor(Date.parse(silence.endsAt) / 1000) + SILENCE_KEEP_SECONDS },
    }));
  }

  async listSilences(): Promise<Silence[]> {
    return (await this.queryIndex('SILENCES', {})).map((i) => strip<Silence>(i));
  }

  async expireSilence(id: string, at: Date): Promise<boolean> {
    const endsAt = at.toISOString();
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: alertKeys.silence(id),
        UpdateExpression: 'SET endsAt = :at, gsi2sk = :at, #ttl = :ttl', ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#ttl': TABLE_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':at': endsAt, ':ttl': Math.floor(at.getTime() / 1000) + SILENCE_KEEP_SECONDS },
      }));
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async getGroup(key: string): Promise<AlertGroup | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: alertKeys.group(key), ConsistentRead: true }));
    return out.Item ? strip<AlertGroup>(out.Item) : undefined;
  }

  async saveGroup(next: AlertGroup, expectedVersion: number | undefined): Promise<void> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: { ...next, ...alertKeys.group(next.key), ...(next.nextFlushAt ? alertKeys.groupDue(next.nextFlushAt) : {}), entity: 'alertGroup' satisfies AlertEntity },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }));
    } catch (error) {
      if (failedCondition(error)) throw new GroupConflictError(next.key);
      throw error;
    }
  }

  async listDueGroups(now: Date): Promise<AlertGroup[]> {
    return (await this.queryIndex('ALERTGROUPS#due', { from: '0', to: now.toISOString() })).map((i) => strip<AlertGroup>(i));
  }
}
