// AlertStore on the hub table: alert state, audit trail, archived occurrences, silences and notification groups.
// Every alert transition is one transaction: the conditional write of the alert plus its audit line.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand, PutCommand, TransactWriteCommand, UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { digestEntry, type AlertDigest, type AlertDigestEntry } from '../../alerts/digest.js';
import {
  ACTIVE_STATES, AlertConflictError, GroupConflictError, isSupplierAlert,
  type Alert, type AlertAuditEntry, type AlertEvent, type AlertState, type Silence,
} from '../../alerts/model.js';
import type { AlertFilter, AlertGroup, AlertStore, PositionAlertChanges } from '../../alerts/ports.js';
import { ALERT_TYPES, type AlertType } from '../../model.js';
import { keys, TABLE_INDEXES, TABLE_TTL_ATTRIBUTE } from '../../storage/table.js';
import { batchGetRows, queryAll, transactUnits, type TransactItem } from './client.js';

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

export type AlertEntity = 'alert' | 'alertEvent' | 'alertArchive' | 'silence' | 'alertGroup' | 'positionAlerts';

/** Audit lines expire after this long (DynamoDB TTL), so a position's partition does not grow without end. */
export const AUDIT_RETENTION_DAYS = 180;
/** Attribute-name prefix of events kept in a position's digest until they are on the bus. */
const PENDING = 'E#';

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
  || (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict'));

/** A digest entry as stored: short names, since every position carries one per alert it ever had. */
const storedEntry = (e: AlertDigestEntry) => ({ s: e.state, c: e.cleared, h: e.said, v: e.version });

/** A position's alert digest from its stored item (undefined: none stored yet). */
export function digestFromRow(row: Record<string, unknown> | undefined): AlertDigest | undefined {
  if (!row) return undefined;
  const entries: AlertDigest['entries'] = {};
  for (const type of ALERT_TYPES) {
    const e = row[type] as { s: AlertState; c: boolean; h: string; v: number } | undefined;
    if (e) entries[type] = { state: e.s, cleared: e.c, said: e.h, version: e.v };
  }
  const pending = Object.entries(row).filter(([k]) => k.startsWith(PENDING)).map(([, v]) => JSON.parse(String(v)) as AlertEvent)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return { complete: row.complete === true, entries, pending };
}

/** The update of a position's digest item: entries to set, entries to fill where missing, completeness, pending events. */
function digestUpdate(tableName: string, sku: string, locationId: string, set: { entries?: Partial<Record<AlertType, AlertDigestEntry>>; known?: Partial<Record<AlertType, AlertDigestEntry>>; complete?: boolean; pending?: readonly AlertEvent[] }): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':entity': 'positionAlerts' satisfies AlertEntity, ':sku': sku, ':loc': locationId };
  const parts = ['entity = :entity', 'sku = :sku', 'locationId = :loc'];
  let n = 0;
  for (const [type, entry] of Object.entries(set.entries ?? {})) {
    names[`#a${n}`] = type; values[`:a${n}`] = storedEntry(entry); parts.push(`#a${n} = :a${n}`); n++;
  }
  for (const [type, entry] of Object.entries(set.known ?? {})) {
    names[`#a${n}`] = type; values[`:a${n}`] = storedEntry(entry); parts.push(`#a${n} = if_not_exists(#a${n}, :a${n})`); n++;
  }
  if (set.complete) { values[':complete'] = true; parts.push('complete = :complete'); }
  for (const event of set.pending ?? []) {
    names[`#a${n}`] = `${PENDING}${event.id}`; values[`:a${n}`] = JSON.stringify(event); parts.push(`#a${n} = :a${n}`); n++;
  }
  return {
    Update: {
      TableName: tableName, Key: keys.positionAlerts(sku, locationId), UpdateExpression: `SET ${parts.join(', ')}`,
      ...(n > 0 ? { ExpressionAttributeNames: names } : {}), ExpressionAttributeValues: values,
    },
  };
}

export class DynamoAlertStore implements AlertStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async getAlert(fp: string): Promise<Alert | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.alert(fp), ConsistentRead: true }));
    return out.Item ? strip<Alert>(out.Item) : undefined;
  }

  async getAlerts(fps: readonly string[]): Promise<Alert[]> {
    const rows = await batchGetRows(this.doc, this.tableName, fps.map((fp) => keys.alert(fp)));
    return [...rows.values()].map((row) => strip<Alert>(row));
  }

  /** The items of one transition: the alert (conditional on the version read), its audit line, the archived occurrence. */
  private transitionItems(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): TransactItem[] {
    const alertCondition = expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } };
    const expires = Math.floor(Date.parse(audit.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400;
    return [
      { Put: { TableName: this.tableName, Item: { ...next, ...keys.alert(next.fingerprint), ...stateIndex(next), entity: 'alert' satisfies AlertEntity }, ...alertCondition } },
      { Put: { TableName: this.tableName, Item: { ...audit, ...keys.alertEvent(audit.fingerprint, audit.at, audit.seq), entity: 'alertEvent' satisfies AlertEntity, [TABLE_TTL_ATTRIBUTE]: expires }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...(archive ? [{ Put: { TableName: this.tableName, Item: { ...archive, ...alertKeys.archived(archive.fingerprint, archive.openedAt, archive.alertId), ...alertKeys.archivedByMonth(archive.openedAt), entity: 'alertArchive' satisfies AlertEntity } } }] : []),
    ];
  }

  async saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void> {
    const digest = isSupplierAlert(next) ? [] : [digestUpdate(this.tableName, next.sku, next.locationId, { entries: { [next.type]: digestEntry(next) } })];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...this.transitionItems(next, expectedVersion, audit, archive), ...digest] }));
    } catch (error) {
      if (failedCondition(error)) throw new AlertConflictError(next.fingerprint);
      throw error;
    }
  }

  async commitPositionAlerts(changesets: readonly PositionAlertChanges[]): Promise<{ conflicted: string[] }> {
    const units = changesets.map((set) => [
      ...set.changes.flatMap((c) => this.transitionItems(c.next, c.expectedVersion, c.audit, c.archive)),
      digestUpdate(this.tableName, set.sku, set.locationId, {
        entries: Object.fromEntries(set.changes.map((c) => [c.next.type, digestEntry(c.next)])),
        known: set.complete ? set.known : {}, complete: set.complete, pending: set.pending,
      }),
    ]);
    const { failed } = await transactUnits(this.doc, units);
    return { conflicted: failed.map((i) => `${changesets[i]!.sku}@${changesets[i]!.locationId}`) };
  }

  async clearPendingEvents(positions: readonly { sku: string; locationId: string; eventIds: string[] }[]): Promise<void> {
    const units = positions.filter((p) => p.eventIds.length > 0).map((p): TransactItem[] => [{
      Update: {
        TableName: this.tableName, Key: keys.positionAlerts(p.sku, p.locationId),
        UpdateExpression: `REMOVE ${p.eventIds.map((_, i) => `#e${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(p.eventIds.map((id, i) => [`#e${i}`, `${PENDING}${id}`])),
      },
    }]);
    // Removing is idempotent: a unit that collided with another writer is simply sent again.
    for (let attempt = 0, left = units; left.length > 0; attempt++) {
      const { failed } = await transactUnits(this.doc, left);
      if (failed.length > 0 && attempt >= 4) throw new Error(`Could not clear published events of ${failed.length} positions after ${attempt + 1} attempts.`);
      left = failed.map((i) => left[i]!);
    }
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
    return queryAll(this.doc, {
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
    const items = await queryAll(this.doc, {
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
