// The account `stocksentry start` prints after a run: what was synced, found, told and ordered, and where it went.
import path from 'node:path';
import type { LocalHub, RunReport } from '../../infra/local/runtime.js';
import { describeAlert, rankAlerts, severityRank, type Alert } from '../../shared/alerts/index.js';
import { messageContext } from '../../shared/alerts/render.js';

const TOP = 5;

const shown = (dir: string) => path.relative(process.cwd(), dir) || dir;

type SummaryHub = Pick<LocalHub, 'outboxDir' | 'apiUrl' | 'apiToken' | 'consoleUrl' | 'persistent' | 'demo'> & { services: Pick<LocalHub['services'], 'store' | 'alertSettings' | 'clock'> };

/** The summary, with the most urgent alerts said as their messages say them (product and location names, money). */
export async function summarize(report: RunReport, hub: SummaryHub, where: { stateDir: string }): Promise<string> {
  const urgent = rankAlerts(report.openAlerts).slice(0, TOP);
  const items = await hub.services.store.getItems([...new Set(urgent.map((a) => a.sku).filter((s) => s))]);
  const ctx = messageContext({ locale: 'en' }, hub.services.alertSettings.messages, hub.services.clock.now(), items);
  return formatSummary(report, hub, where, urgent.map((a) => {
    const view = describeAlert(a, ctx);
    return [`[${a.severity}] ${view.short}`, ...view.sentences.slice(0, 2).map((s) => `    ${s}`), ...view.suggestions.slice(0, 1).map((s) => `    → ${s}`)];
  }));
}

function formatSummary(report: RunReport, hub: Pick<LocalHub, 'outboxDir' | 'apiUrl' | 'apiToken' | 'consoleUrl' | 'persistent' | 'demo'>, where: { stateDir: string }, urgent: string[][]): string {
  const lines: string[] = ['', 'StockSentry — local run', ''];
  lines.push('Synced');
  for (const s of report.syncs) {
    const streams = s.streams.map((st) => `${st.name} ${st.written}/${st.read}${st.quarantined ? ` (${st.quarantined} quarantined)` : ''}`).join(', ');
    lines.push(`  ${s.connector} (${s.type}): ${streams}  [written/read, ${s.requests} requests, ${s.durationMs} ms]`);
  }
  lines.push(`  ${report.streamRecords} change records read from the table's stream and evaluated`, '');

  const open = [...report.openAlerts].sort(bySeverityThenType);
  lines.push(`Alerts open: ${open.length}`);
  const counts = new Map<string, number>();
  for (const a of open) counts.set(`${a.type} ${a.severity}`, (counts.get(`${a.type} ${a.severity}`) ?? 0) + 1);
  for (const [key, n] of [...counts].sort()) lines.push(`  ${key.padEnd(28)} ${n}`);
  if (urgent.length) lines.push('  Most urgent (by severity, then money at risk):');
  for (const [head, ...rest] of urgent) lines.push(`  - ${head}`, ...rest.map((l) => `  ${l}`));
  lines.push('');

  const n = report.notifications;
  const outbox = shown(hub.outboxDir);
  lines.push(`Notified: ${n.notifications} grouped notifications — ${n.emails} emails (${outbox}/*.eml), ${n.sms} SMS (${outbox}/sms.txt), ${n.webhooks} webhooks POSTed${hub.demo ? ` to ${hub.demo.partner.url}/alerts` : ''}${n.failed ? `; ${n.failed} failed (see ${outbox}/dead-letter/)` : ''}`);

  const bySupplier = new Map<string, number>();
  for (const r of report.requests) bySupplier.set(r.supplierId, (bySupplier.get(r.supplierId) ?? 0) + 1);
  const sent = report.requests.filter((r) => r.sentRevision !== undefined);
  const acked = report.requests.filter((r) => r.ackedAt);
  const waiting = report.requests.filter((r) => r.state === 'pending_approval');
  const lineCount = report.requests.reduce((k, r) => k + r.lines.length, 0);
  lines.push(`Ordered: ${report.requests.length} replenishment requests (${lineCount} lines) — ${[...bySupplier].map(([s, k]) => `${s} ${k}`).join(', ') || 'none'}; ${sent.length} sent${hub.demo ? ` to ${hub.demo.partner.url}/orders` : ''}, ${acked.length} acknowledged with a promised date${waiting.length ? `, ${waiting.length} above the auto-approve limit waiting for a buyer` : ''}`);
  lines.push('');
  lines.push(`Messages:     ${outbox}/ (this run's; earlier runs keep their folders)`);
  lines.push(`Alerts API:   ${hub.apiUrl}/alerts  with  Authorization: Bearer ${hub.apiToken}`);
  lines.push(`Supplier API: ${hub.apiUrl}/suppliers/<supplier>/acks (signed); the links in messages point at ${hub.apiUrl}/a/…`);
  lines.push(`Console:      ${hub.consoleUrl}  (open it in a browser while the hub runs; the address carries your access token)`);
  const state = shown(where.stateDir);
  lines.push(hub.persistent
    ? `State:        ${state}/ keeps alerts, requests and checkpoints for the next start (\`npx stocksentry reset\` starts over)`
    : 'State:        in memory: nothing is kept after this run', '');
  return lines.join('\n');
}

const bySeverityThenType = (a: Alert, b: Alert) => severityRank(b.severity) - severityRank(a.severity) || a.type.localeCompare(b.type) || a.sku.localeCompare(b.sku);
