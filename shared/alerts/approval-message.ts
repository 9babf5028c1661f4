// A buyer's approval request: the order's lines and total in the buyer's language, why it waits, what changed since
// the version this buyer was last sent (never a revision they did not see), and signed approve / reject links bound
// to this revision with an expiry.
import type { Receiver } from '../config.js';
import { translator } from '../i18n/index.js';
import { formatMoney, formatPercent, formatTime, formatUnits, formatDay } from '../i18n/format.js';
import { consoleLink } from '../console-links.js';
import type { ApprovalTask } from '../replenishment/approval.js';
import { revisionChanges } from '../replenishment/request.js';
import { createApprovalToken, type ApprovalLinkAction } from './approval-link.js';
import { locationName, productName, supplierName, type MessageContext, type MessageDirectory } from './describe.js';
import { setLink, type LinkSettings, type MessageDoc, type MessageItem, type MessageLink } from './message.js';
import type { ApprovalSeen, Notification } from './ports.js';
import { emailText, EMPTY_DIRECTORY, messageContext, plainSummary } from './render.js';
import { smsCapacity, smsEncoding, smsUnits, smsWithLink, toGsm7 } from './sms.js';

export function approvalLink(links: LinkSettings, task: Pick<ApprovalTask, 'idempotencyKey' | 'revision'>, action: ApprovalLinkAction, receiver: string, now: Date): string {
  const token = createApprovalToken({ requestKey: task.idempotencyKey, revision: task.revision, action, receiver, expiresAt: new Date(now.getTime() + links.ttlMs) }, links.secret);
  return `${links.baseUrl.replace(/\/+$/, '')}/r/${token}`;
}

/** The lines "what changed since the version sent to you", or none when nothing a buyer approves differs. */
export function changeLines(seen: Pick<ApprovalSeen, 'revision' | 'total' | 'lines'>, task: Pick<ApprovalTask, 'revision' | 'total' | 'lines' | 'currency'>, ctx: MessageContext): string[] {
  const t = translator(ctx.locale);
  const money = (n: number) => formatMoney(ctx.locale, n, task.currency);
  const units = (n: number) => formatUnits(ctx.locale, n);
  const changes = revisionChanges(seen, { revision: task.revision, total: task.total, lines: task.lines });
  const name = (sku: string) => productName({ ...ctx, items: new Map([...ctx.items, ...task.lines.filter((l) => l.name).map((l) => [l.sku, { name: l.name }] as const)]) }, sku);
  const out = [
    ...changes.added.map((l) => t('approval.changed.added', { product: name(l.sku), units: units(l.qty), money: money(l.amount) })),
    ...changes.removed.map((l) => t('approval.changed.removed', { product: name(l.sku), units: units(l.qty), money: money(l.amount) })),
    ...changes.changed.map((c) => t('approval.changed.qty', { product: name(c.sku), from: units(c.fromQty), to: units(c.toQty) })),
  ];
  if (changes.totalFrom !== changes.totalTo) {
    const share = changes.totalFrom > 0 ? (changes.totalTo - changes.totalFrom) / changes.totalFrom : 0;
    out.push(t('approval.changed.total', { from: money(changes.totalFrom), to: money(changes.totalTo), change: `${share > 0 ? '+' : ''}${formatPercent(ctx.locale, share)}` }));
  }
  return out;
}

export interface ApprovalMessageInput {
  task: ApprovalTask;
  ctx: MessageContext;
  receiver: string;
  links?: LinkSettings;
  /** What this receiver was last sent of the request; absent on their first message about it. */
  seen?: ApprovalSeen;
  /** A stored LinkSet for this request and revision, so the SMS carries a short link. */
  smsLinkSetId?: string;
}

export function approvalMessage(input: ApprovalMessageInput): MessageDoc {
  const { task, ctx, seen } = input;
  const t = translator(ctx.locale);
  const money = (n: number) => formatMoney(ctx.locale, n, task.currency);
  const zone = ctx.locations.get(task.locationId)?.timeZone ?? ctx.timeZone ?? 'UTC';
  const today = ctx.now.toISOString().slice(0, 10);
  const supplier = supplierName(ctx, task.supplierId);
  const location = locationName(ctx, task.locationId);
  const items = new Map([...ctx.items, ...task.lines.filter((l) => l.name).map((l) => [l.sku, { name: l.name }] as const)]);
  const named: MessageContext = { ...ctx, items };
  const changed = seen !== undefined && seen.revision !== task.revision;

  const why = task.rule?.kind === 'total' ? t('approval.why.total', { amount: money(task.rule.amount), limit: money(task.rule.limit) })
    : task.rule?.kind === 'category' ? t('approval.why.category', { category: task.rule.category ?? '', amount: money(task.rule.amount), limit: money(task.rule.limit) })
      : t('approval.why.generic');
  const lines: MessageItem[] = task.lines.map((l) => ({
    severity: 'info',
    title: t('approval.line', { product: productName(named, l.sku), units: formatUnits(ctx.locale, l.qty), money: money(l.amount), date: formatDay(ctx.locale, l.needBy, today) }),
    sentences: l.shortBeforeArrival ? [t('approval.line.short', { units: formatUnits(ctx.locale, l.shortBeforeArrival) })] : [],
    suggestions: [],
    links: [],
  }));
  const notes = changed ? [{
    title: t('approval.changed.title', { time: formatTime(ctx.locale, seen.sentAt, zone, today) }),
    lines: (() => { const c = changeLines(seen, task, named); return c.length > 0 ? c : [t('approval.changed.none')]; })(),
  }] : [];

  const actions: MessageLink[] = [];
  if (input.links) {
    actions.push({ label: t('approval.link.approve'), url: approvalLink(input.links, task, 'approve', input.receiver, ctx.now) });
    actions.push({ label: t('approval.link.reject'), url: approvalLink(input.links, task, 'reject', input.receiver, ctx.now) });
  }
  if (ctx.consoleBase) actions.push({ label: t('approval.link.details'), url: consoleLink(ctx.consoleBase, { page: 'request', requestId: task.idempotencyKey }) });
  const validity = input.links
    ? t('approval.links.valid', { time: formatTime(ctx.locale, new Date(ctx.now.getTime() + input.links.ttlMs), zone, today) })
    // Without links the command line decides, and it must name the revision shown here.
    : [t('approval.cli'), `$ stocksentry suppliers approve '${task.idempotencyKey}' --revision ${task.revision} --by <you>`,
      `$ stocksentry suppliers cancel '${task.idempotencyKey}' --revision ${task.revision} --by <you> --reason "..."`].join('\n');

  const total = money(task.total);
  const sms = (() => {
    const decide = !input.links ? undefined
      : input.smsLinkSetId ? setLink(input.links, input.smsLinkSetId, 'approval', ctx.now) : approvalLink(input.links, task, 'decide', input.receiver, ctx.now);
    const values = { supplier, location, lines: task.lines.length, total, url: '' };
    const plain = (text: string) => (ctx.locale === 'en' ? toGsm7(text) : text.trim());
    const withoutLink = smsWithLink(plain(t('approval.sms.noLink', values)), '');
    if (!decide) return withoutLink;
    // The template ends with the link: word it without, shorten the words if needed, never the link.
    const body = plain(t('approval.sms', values));
    const encoding = smsEncoding(`${body}${decide}`);
    // A long signed link leaves too little room to say what it is for: then the SMS points to the email instead.
    return smsCapacity(encoding) - smsUnits(decide, encoding) >= Math.min(40, smsUnits(body, encoding)) ? smsWithLink(body, decide) : withoutLink;
  })();

  return {
    severity: 'info',
    subject: t(changed ? 'approval.subject.changed' : 'approval.subject', { supplier, location, total }),
    intro: `${t('approval.intro', { supplier, location })}${ctx.locale === 'zh-CN' ? '' : ' '}${why}`,
    notes, items: lines, more: () => undefined,
    summary: t('approval.total', { money: total }),
    actions, validity, resolved: [], footer: [t('approval.footer')], todo: '', sms,
  };
}

/** SMS, email, chat and webhook JSON asking a buyer to decide a replenishment request above the auto-approve limit. */
export function buildApprovalNotification(input: {
  id: string; receiver: Receiver; groupKey: string; groupLabels: Record<string, string>; task: ApprovalTask; now: Date;
  directory?: MessageDirectory; items?: ReadonlyMap<string, { name?: string }>; links?: LinkSettings; seen?: ApprovalSeen; smsLinkSetId?: string;
}): Notification {
  const { task, receiver, now } = input;
  const ctx = messageContext(receiver, input.directory ?? EMPTY_DIRECTORY, now, input.items);
  const doc = approvalMessage({
    task, ctx, receiver: receiver.name, ...(input.links ? { links: input.links } : {}), ...(input.seen ? { seen: input.seen } : {}),
    ...(input.smsLinkSetId ? { smsLinkSetId: input.smsLinkSetId } : {}),
  });
  const at = now.toISOString();
  return {
    id: input.id, kind: 'approval', receiver, groupKey: input.groupKey, groupLabels: input.groupLabels, severity: 'info',
    location: task.locationId, firing: [], resolved: [], approval: task, at, doc,
    sms: doc.sms,
    email: { subject: doc.subject.slice(0, 200), text: emailText(doc, ctx.locale, task.lines.length) },
    json: {
      version: 1, id: input.id, kind: 'approval', receiver: receiver.name, groupKey: input.groupKey, groupLabels: input.groupLabels, severity: 'info', at,
      locale: ctx.locale, text: plainSummary(doc, ctx.locale, task.lines.length), approval: task,
      links: {
        ...(input.links ? { approve: approvalLink(input.links, task, 'approve', receiver.name, now), reject: approvalLink(input.links, task, 'reject', receiver.name, now) } : {}),
        ...(ctx.consoleBase ? { details: consoleLink(ctx.consoleBase, { page: 'request', requestId: task.idempotencyKey }) } : {}),
      },
    },
  };
}
