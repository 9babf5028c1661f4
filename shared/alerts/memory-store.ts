// An in-memory AlertStore with the same conditional semantics as the DynamoDB one: for unit tests and dry runs.
import { digestEntry, type AlertDigest } from './digest.js';
import { AlertConflictError, GroupConflictError, isSupplierAlert, type Alert, type AlertAuditEntry, type Silence } from './model.js';
import type { AlertFilter, AlertGroup, AlertStore, PositionAlertChanges } from './ports.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAlertStore implements AlertStore {
  readonly alerts = new Map<string, Alert>();
  readonly archived: Alert[] = [];
  readonly audit: AlertAuditEntry[] = [];
  readonly silences = new Map<string, Silence>();
  readonly groups = new Map<string, AlertGroup>();
  /** Per position (`sku@locationId`), as the DynamoDB store keeps beside the position. */
  readonly digests = new Map<string, AlertDigest>();

  async getAlert(fp: string): Promise<Alert | undefined> {
    const a = this.alerts.get(fp);
    return a && copy(a);
  }

  async getAlerts(fps: readonly string[]): Promise<Alert[]> {
    return fps.flatMap((fp) => { const a = this.alerts.get(fp); return a ? [copy(a)] : []; });
  }

  async saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void> {
    if (this.alerts.get(next.fingerprint)?.version !== expectedVersion) throw new AlertConflictError(next.fingerprint);
    this.apply(next, audit, archive);
  }

  private apply(next: Alert, audit: AlertAuditEntry, archive?: Alert): void {
    this.alerts.set(next.fingerprint, copy(next));
    this.audit.push(copy(audit));
    if (archive) this.archived.push(copy(archive));
    if (!isSupplierAlert(next)) this.digestOf(next.sku, next.locationId).entries[next.type] = digestEntry(next);
  }

  private digestOf(sku: string, locationId: string): AlertDigest {
    const key = `${sku}@${locationId}`;
    let d = this.digests.get(key);
    if (!d) this.digests.set(key, (d = { complete: false, entries: {}, pending: [] }));
    return d;
  }

  async commitPositionAlerts(changesets: readonly PositionAlertChanges[]): Promise<{ conflicted: string[] }> {
    const conflicted: string[] = [];
    for (const set of changesets) {
      if (set.changes.some((c) => this.alerts.get(c.next.fingerprint)?.version !== c.expectedVersion)) {
        conflicted.push(`${set.sku}@${set.locationId}`);
        continue;
      }
      for (const c of set.changes) this.apply(c.next, c.audit, c.archive);
      const digest = this.digestOf(set.sku, set.locationId);
      if (set.complete) {
        for (const [type, entry] of Object.entries(set.known)) digest.entries[type as keyof AlertDigest['entries']] ??= entry;
        digest.complete = true;
      }
      digest.pending.push(...set.pending.map(copy));
    }
    return { conflicted };
  }

  async clearPendingEvents(positions: readonly { sku: string; locationId: string; eventIds: string[] }[]): Promise<void> {
    for (const p of positions) {
      const d = this.digests.get(`${p.sku}@${p.locationId}`);
      if (d) d.pending = d.pending.filter((e) => !p.eventIds.includes(e.id));
    }
  }

  async listAlerts(filter: AlertFilter = {}): Promise<Alert[]> {
    return [...this.alerts.values()].filter((a) => (!filter.states || filter.states.includes(a.state))
      && (!filter.location || a.locationId === filter.location)
      && (!filter.openedFrom || a.openedAt >= filter.openedFrom)
      && (!filter.openedTo || a.openedAt < filter.openedTo)).map(copy).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  }

  async listArchivedAlerts(from: string, to: string): Promise<Alert[]> {
    return this.archived.filter((a) => a.openedAt >= from && a.openedAt < to).map(copy);
  }

  async history(fp: string): Promise<AlertAuditEntry[]> {
    return this.audit.filter((e) => e.fingerprint === fp).map(copy);
  }

  async putSilence(silence: Silence): Promise<void> { this.silences.set(silence.id, copy(silence)); }
  async listSilences(): Promise<Silence[]> { return [...this.silences.values()].map(copy); }
  async expireSilence(id: string, at: Date): Promise<boolean> {
    const s = this.silences.get(id);
    if (!s) return false;
    this.silences.set(id, { ...s, endsAt: at.toISOString() });
    return true;
  }

  async getGroup(key: string): Promise<AlertGroup | undefined> {
    const g = this.groups.get(key);
    return g && copy(g);
  }

  async saveGroup(next: AlertGroup, expectedVersion: number | undefined): Promise<void> {
    if (this.groups.get(next.key)?.version !== expectedVersion) throw new GroupConflictError(next.key);
    this.groups.set(next.key, copy(next));
  }

  async listDueGroups(now: Date): Promise<AlertGroup[]> {
    const t = now.toISOString();
    return [...this.groups.values()].filter((g) => g.nextFlushAt !== undefined && g.nextFlushAt <= t).map(copy);
  }
}
