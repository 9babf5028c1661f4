// An in-memory AlertStore with the same conditional semantics as the DynamoDB one: for unit tests and dry runs.
import { AlertConflictError, GroupConflictError, type Alert, type AlertAuditEntry, type Silence } from './model.js';
import type { AlertFilter, AlertGroup, AlertStore } from './ports.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryAlertStore implements AlertStore {
  readonly alerts = new Map<string, Alert>();
  readonly archived: Alert[] = [];
  readonly audit: AlertAuditEntry[] = [];
  readonly silences = new Map<string, Silence>();
  readonly groups = new Map<string, AlertGroup>();

  async getAlert(fp: string): Promise<Alert | undefined> {
    const a = this.alerts.get(fp);
    return a && copy(a);
  }

  async getAlerts(fps: readonly string[]): Promise<Alert[]> {
    return fps.flatMap((fp) => { const a = this.alerts.get(fp); return a ? [copy(a)] : []; });
  }

  async saveAlert(next: Alert, expectedVersion: number | undefined, audit: AlertAuditEntry, archive?: Alert): Promise<void> {
    if (this.alerts.get(next.fingerprint)?.version !== expectedVersion) throw new AlertConflictError(next.fingerprint);
    this.alerts.set(next.fingerprint, copy(next));
    this.audit.push(copy(audit));
    if (archive) this.archived.push(copy(archive));
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
