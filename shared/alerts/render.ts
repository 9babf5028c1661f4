// Message bodies per channel: SMS (<= 160 GSM-7 characters, with an ack link), email (subject + readable body with the
// numbers, one line per SKU), and the full JSON event for webhooks.
import type { Receiver } from '../config.js';
import type { AlertType, Severity } from '../model.js';
import { createAckToken, type LinkAction } from './ack-token.js';
import type { ApprovalTask } from '../replenishment/approval.js';
import { alertSubject, isSupplierAlert, maxSeverity, severityRank, type Alert } from './model.js';
import type { Notification, NotificationKind } from './ports.js';

export const SMS_MAX = 160;

/** Resolved ack-link settings (the secret's value, not its reference). */
export interface LinkSettings { baseUrl: string; secret: string; ttlMs: number }

export function actionLink(links: LinkSettings, fp: string, action: LinkAction, now: Date): string {
  const token = createAckToken({ fingerprint: fp, action, expiresAt: new Date(now.getTime() + links.ttlMs) }, links.secret);
  return `${links.baseUrl.replace(/\/+$/, '')}/a/${token}`;
}

// Anything outside GSM-7's basic set turns an SMS into UCS-2 with a 70-character limit.
const gsm7 = (s: string): string => s.normalize('NFKD').replace(/[^\x20-\x7e\n]/g, '').replace(/\s+/g, ' ').trim();

const fit = (text: string, room: number): string => (text.length <= room ? text : `${text.slice(0, Math.max(0, room - 3)).trimEnd()}...`);

const SEVERITY_TAG: Record<Severity, string> = { critical: 'CRIT', warning: 'WARN', info: 'INFO' };

/** SMS-short subject: "LOW_STOCK SKU-1 @store-1" or "LEAD_TIME_RISK supplier acme". */
const shortSubject = (a: Alert): string =>
  isSupplierAlert(a) ? `${a.type} supplier ${a.supplierId ?? ''}${a.locationId ? ` @${a.locationId}` : ''}` : `${a.type} ${a.sku} @${a.locationId}`;

const bySeverity = (alerts: readonly Alert[]): Alert[] =>
  [...alerts].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.sku.localeCompare(b.sku) || a.type.localeCompare(b.type));

export function renderSms(kind: NotificationKind, firing: readonly Alert[], resolved: readonly Alert[], links: LinkSettings | undefined, now: Date): string {
  const sorted = bySeverity(firing);
  const top = sorted[0];
  if (!top) {
    const r = resolved[0];
    return fit(gsm7(`[OK] ${resolved.length === 1 && r ? shortSubject(r) : `${resolved.length} alerts`} resolved`), SMS_MAX);
  }
  const prefix = `${kind === 'escalation' ? 'ESC ' : ''}[${SEVERITY_TAG[top.severity]}]`;
  const link = links ? ` Ack: ${actionLink(links, top.fingerprint, 'ack', now)}` : '';
  const body = sorted.length === 1
    ? `${prefix} ${shortSubject(top)}: ${top.message}`
    : `${prefix} ${sorted.length} alerts${top.locationId ? ` @${top.locationId}` : ''}: ${sorted.map((a) => (isSupplierAlert(a) ? `${a.type} supplier ${a.supplierId ?? ''}` : `${a.type} ${a.sku}`)).join(', ')}`;
  return `${fit(gsm7(body), SMS_MAX - link.length)}${link}`;
}

const factLine = (a: Alert): string =>
  Object.entries(a.facts ?? {}).map(([k, v]) => `${k}: ${typeof v === 'number' ? Number(v.toFixed(2)) : v}`).join(', ');

export const EMAIL_WIDTH = 76;

/** Wraps at spaces to 76 columns, so the mail stays 7-bit plain text (readable as a raw .eml) and is never re-flowed. */
export function wrapText(text: string, width = EMAIL_WIDTH): string {
  return text.split('\n').map((line) => {
    const indent = `${/^\s*/.exec(line)?.[0] ?? ''}  `;
    const out: string[] = [];
    let rest = line;
    while (rest.length > width) {
      const cut = rest.lastIndexOf(' ', width);
      if (cut <= indent.length) break;
      out.push(rest.slice(0, cut));
      rest = indent + rest.slice(cut + 1);
    }
    out.push(rest);
    return out.join('\n');
  }).join('\n');
}

export function renderEmail(kind: NotificationKind, receiver: Receiver, groupLabels: Record<string, string>,
  firing: readonly Alert[], resolved: readonly Alert[], links: LinkSettings | undefined, now: Date): { subject: string; text: string } {
  const where = Object.entries(groupLabels).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ') || 'all locations';
  const types = [...new Set(firing.map((a) => a.type))].join(', ');
  const severity = maxSeverity(firing.map((a) => a.severity)).toUpperCase();
  const lead = { firing: '', repeat: 'Still open: ', resolved: 'Resolved: ', escalation: 'ESCALATED: ', approval: '' }[kind];
  const subject = firing.length > 0
    ? `[StockSentry] ${lead}${severity}: ${firing.length} alert${firing.length === 1 ? '' : 's'} at ${where} (${types})`
    : `[StockSentry] Resolved: ${resolved.length} alert${resolved.length === 1 ? '' : 's'} at ${where}`;
  const lines: string[] = [`Hello ${receiver.name},`, ''];
  if (firing.length > 0) {
    lines.push(kind === 'escalation'
      ? 'This alert was not acknowledged in time and is escalated to you:'
      : `${firing.length} position${firing.length === 1 ? ' needs' : 's need'} attention at ${where}:`, '');
    for (const a of bySeverity(firing)) {
      lines.push(`* ${a.severity.toUpperCase()} ${a.type} - ${alertSubject(a)}`);
      lines.push(`  ${a.message}`);
      if (a.projectedStockout) lines.push(`  Projected stockout: ${a.projectedStockout}`);
      const facts = factLine(a);
      if (facts) lines.push(`  ${facts}`);
      if (a.suggestedAction) lines.push(`  Suggested: ${a.suggestedAction}`);
      lines.push(`  Open since ${a.openedAt}${a.escalationStep > 0 ? `, escalated ${a.escalationStep}x` : ''} (alert ${a.fingerprint})`);
      if (links) {
        lines.push(`  Acknowledge: ${actionLink(links, a.fingerprint, 'ack', now)}`);
        lines.push(`  Snooze 24h: ${actionLink(links, a.fingerprint, 'snooze', now)}`);
      }
      lines.push('');
    }
  }
  if (resolved.length > 0) {
    lines.push('Resolved since the last message:', '');
    for (const a of bySeverity(resolved)) lines.push(`* ${a.type} - ${alertSubject(a)} (resolved ${a.resolvedAt ?? ''})`);
    lines.push('');
  }
  lines.push('-- ', 'StockSentry: acknowledge to stop reminders and escalation.', '`stocksentry alerts list` shows every open alert.');
  return { subject: subject.slice(0, 200), text: wrapText(lines.join('\n')) };
}

/** Builds the notification for one receiver, rendering every channel's body. */
export function buildNotification(input: {
  id: string; kind: NotificationKind; receiver: Receiver; groupKey: string; groupLabels: Record<string, string>;
  firing: Alert[]; resolved: Alert[]; now: Date; links?: LinkSettings;
}): Notification {
  const { kind, receiver, firing, resolved, now, links } = input;
  const all = [...firing, ...resolved];
  const types = new Set(all.map((a) => a.type));
  const locations = new Set(all.map((a) => a.locationId));
  const severity = maxSeverity(all.map((a) => a.severity));
  const at = now.toISOString();
  const type: AlertType | undefined = types.size === 1 ? [...types][0] : undefined;
  const location = locations.size === 1 ? [...locations][0] : undefined;
  return {
    id: input.id, kind, receiver, groupKey: input.groupKey, groupLabels: input.groupLabels, severity, type, location,
    firing, resolved, at,
    sms: renderSms(kind, firing, resolved, links, now),
    email: renderEmail(kind, receiver, input.groupLabels, firing, resolved, links, now),
    json: {
      version: 1, id: input.id, kind, receiver: receiver.name, groupKey: input.groupKey, groupLabels: input.groupLabels,
      severity, at, firing, resolved,
      ...(links ? { links: Object.fromEntries(firing.map((a) => [a.fingerprint, { ack: actionLink(links, a.fingerprint, 'ack', now) }])) } : {}),
    },
  };
}

const money = (amount: number, currency: string): string => `${amount.toFixed(2)} ${currency}`;

/** SMS, email and webhook JSON asking a buyer to decide a replenishment request above the auto-approve limit. */
export function buildApprovalNotification(input: {
  id: string; receiver: Receiver; groupKey: string; groupLabels: Record<string, string>; task: ApprovalTask; now: Date;
}): Notification {
  const { task, receiver, now } = input;
  const at = now.toISOString();
  const order = `order ${task.supplierId} -> ${task.locationId}`;
  const approve = `stocksentry suppliers approve '${task.idempotencyKey}' --by <you>`;
  const lines = [`Hello ${receiver.name},`, '', `A replenishment request waits for your approval: ${task.reason}.`, '',
    `Request ${task.idempotencyKey} (revision ${task.revision}), supplier ${task.supplierId}, ship to ${task.locationId}:`, ''];
  for (const l of task.lines) lines.push(`* SKU ${l.sku}: ${l.qty} units by ${l.needBy}, ${money(l.amount, task.currency)}${l.category ? ` (${l.category})` : ''}`);
  lines.push('', `Total: ${money(task.total, task.currency)}`, '', 'Approve (change quantities with --set SKU=qty):', `  ${approve}`,
    'Cancel:', `  stocksentry suppliers cancel '${task.idempotencyKey}' --reason "..." --by <you>`, '', '-- ', 'StockSentry: orders above the auto-approve limit wait for a buyer.');
  return {
    id: input.id, kind: 'approval', receiver, groupKey: input.groupKey, groupLabels: input.groupLabels, severity: 'info',
    location: task.locationId, firing: [], resolved: [], approval: task, at,
    sms: fit(gsm7(`[APPROVAL] ${order}: ${task.lines.length} line${task.lines.length === 1 ? '' : 's'}, ${money(task.total, task.currency)}. Approve: ${approve}`), SMS_MAX),
    email: { subject: `[StockSentry] Approval needed: ${order}, ${money(task.total, task.currency)}`.slice(0, 200), text: wrapText(lines.join('\n')) },
    json: { version: 1, id: input.id, kind: 'approval', receiver: receiver.name, groupKey: input.groupKey, groupLabels: input.groupLabels, severity: 'info', at, approval: task },
  };
}
