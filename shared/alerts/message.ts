// One message, many channels: a notification becomes a MessageDoc (subject, ranked items in words, links), which
// email, chat tools and webhook text each lay out their own way; SMS gets its own compact text from the same views.
import { translator } from '../i18n/index.js';
import { formatList, formatMoneyRounded, formatTime } from '../i18n/format.js';
import { consoleLink } from '../console-links.js';
import { createAckToken, createSetToken, type LinkAction, type SetLinkAction } from './ack-token.js';
import { alertTimeZone, describeAlert, locationName, rankAlerts, supplierName, type AlertView, type MessageContext } from './describe.js';
import { isSupplierAlert, maxSeverity, type Alert } from './model.js';
import type { NotificationKind } from './ports.js';
import { smsWithLink, toGsm7 } from './sms.js';
import type { Severity } from '../model.js';

/** Resolved ack-link settings (the secret's value, not its reference). */
export interface LinkSettings { baseUrl: string; secret: string; ttlMs: number }

/** How many alerts a message shows in full; the rest are counted and linked to the console's inbox. */
export const FULL_ITEMS = { email: 5, chat: 3 } as const;

export interface MessageLink { label: string; url: string }

export interface MessageItem {
  fingerprint?: string;
  severity: Severity;
  title: string;
  sentences: string[];
  suggestions: string[];
  /** `Open since Mon 11 May, 09:14 CEST.` */
  since?: string;
  links: MessageLink[];
}

export interface MessageDoc {
  severity: Severity;
  subject: string;
  intro?: string;
  /** Short lists before the items, e.g. what changed in an order since the reader last saw it. */
  notes?: { title: string; lines: string[] }[];
  /** Every firing alert (or order line) in rank order; layouts show the first FULL_ITEMS in full and summarise the rest. */
  items: MessageItem[];
  /** A line after the items, e.g. an order's total. */
  summary?: string;
  /** Said after the links, e.g. until when they work. */
  validity?: string;
  /** `And 7 more: Overstock (4), Low stock (3).` for a layout that shows `shown` items in full. */
  more(shown: number): string | undefined;
  /** Links for the whole message: acknowledge all, the filtered inbox. */
  actions: MessageLink[];
  resolvedTitle?: string;
  resolved: string[];
  footer: string[];
  /** Heading line for the "what can help" list. */
  todo: string;
  sms: string;
}

const base = (url: string) => url.replace(/\/+$/, '');

export function actionLink(links: LinkSettings, fp: string, action: LinkAction, now: Date): string {
  return `${base(links.baseUrl)}/a/${createAckToken({ fingerprint: fp, action, expiresAt: new Date(now.getTime() + links.ttlMs) }, links.secret)}`;
}

/** A short link to a stored LinkSet: acknowledge all its alerts, or the approval page of its request. */
export function setLink(links: LinkSettings, setId: string, action: SetLinkAction, now: Date): string {
  return `${base(links.baseUrl)}/a/${createSetToken({ setId, action, expiresAt: new Date(now.getTime() + links.ttlMs) }, links.secret)}`;
}

/** What a group is, in words: `North Street store`, `supplier Overseas Imports`, `all locations`. */
export function groupWhere(groupLabels: Record<string, string>, ctx: MessageContext): string {
  const t = translator(ctx.locale);
  const parts = Object.entries(groupLabels).filter(([, v]) => v).map(([k, v]) => {
    switch (k) {
      case 'location': return locationName(ctx, v);
      case 'supplier': return t('msg.where.supplier', { name: supplierName(ctx, v) });
      case 'type': return t(`alert.type.${v}`);
      case 'severity': return t(`severity.${v}`);
      default: return v;
    }
  });
  return parts.length > 0 ? formatList(ctx.locale, parts) : t('msg.where.all');
}

export interface AlertMessageInput {
  kind: NotificationKind;
  groupLabels: Record<string, string>;
  firing: readonly Alert[];
  resolved: readonly Alert[];
  ctx: MessageContext;
  links?: LinkSettings;
  /** The stored LinkSet behind this message's "acknowledge all" link (several alerts, links configured). */
  linkSetId?: string;
}

export function alertMessage(input: AlertMessageInput): MessageDoc {
  const { kind, groupLabels, ctx, links } = input;
  const t = translator(ctx.locale);
  const where = groupWhere(groupLabels, ctx);
  const oneLocation = groupLabels.location !== undefined && groupLabels.location !== '';
  const ranked = rankAlerts(input.firing);
  const views = ranked.map((a) => describeAlert(a, ctx, { omitLocation: oneLocation }));
  const time = (a: Alert, at: string) => formatTime(ctx.locale, at, alertTimeZone(ctx, a), ctx.now.toISOString().slice(0, 10));

  const items: MessageItem[] = ranked.map((a, i) => {
    const v = views[i]!;
    const itemLinks: MessageLink[] = [];
    if (ctx.consoleBase) itemLinks.push({ label: t('msg.link.details'), url: consoleLink(ctx.consoleBase, { page: 'alert', alertId: a.fingerprint }) });
    if (links) {
      itemLinks.push({ label: t('msg.link.ack'), url: actionLink(links, a.fingerprint, 'ack', ctx.now) });
      itemLinks.push({ label: t('msg.link.snooze'), url: actionLink(links, a.fingerprint, 'snooze', ctx.now) });
    }
    return {
      fingerprint: a.fingerprint, severity: a.severity, title: v.title, sentences: v.sentences, suggestions: v.suggestions, links: itemLinks,
      since: a.escalationStep > 0 ? t('msg.item.escalated', { time: time(a, a.openedAt), count: a.escalationStep }) : t('msg.item.since', { time: time(a, a.openedAt) }),
    };
  });

  const inbox = ctx.consoleBase ? consoleLink(ctx.consoleBase, { page: 'alerts', filter: { ...inboxFilter(groupLabels), state: 'open' } }) : undefined;
  const ackAll = links && input.linkSetId && ranked.length > 1 ? setLink(links, input.linkSetId, 'ack-group', ctx.now) : undefined;
  const actions: MessageLink[] = [];
  if (ackAll) actions.push({ label: t('msg.link.ackAll', { count: ranked.length }), url: ackAll });
  if (inbox && ranked.length > 1) actions.push({ label: t('msg.link.inbox'), url: inbox });

  const more = (shown: number): string | undefined => {
    const rest = ranked.slice(shown);
    if (rest.length === 0) return undefined;
    const counts = new Map<string, number>();
    for (const a of rest) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    const summary = formatList(ctx.locale, [...counts].map(([type, count]) => t('msg.more.type', { type: t(`alert.type.${type}`), count })));
    return t('msg.more', { count: rest.length, summary });
  };

  const resolvedViews = rankAlerts(input.resolved).map((a) => t('msg.resolved.item', {
    what: describeAlert(a, ctx, { omitLocation: oneLocation }).short, time: time(a, a.resolvedAt ?? a.updatedAt),
  }));
  const worst = views[0];
  const others = Math.max(0, ranked.length - 1);
  // A supplier's own alert already names the supplier: "Overseas Imports delivers late", not "Supplier Overseas Imports: …".
  const subjectWhere = ranked[0] && isSupplierAlert(ranked[0]) && groupLabels.supplier === ranked[0].supplierId && ranked.length === 1 ? '' : where;
  const subject = kind === 'escalation' && worst ? t('msg.subject.escalation', { worst: describeAlert(ranked[0]!, ctx).short })
    : worst && !subjectWhere ? t('msg.subject.bare', { worst: worst.short })
      : worst ? t(kind === 'repeat' ? 'msg.subject.repeat' : 'msg.subject.firing', { where, worst: worst.short, others })
        : t('msg.subject.resolved', { where, count: input.resolved.length });
  const intro = ranked.length === 0 ? undefined
    : kind === 'escalation' ? t('msg.intro.escalation')
      : t(kind === 'repeat' ? 'msg.intro.repeat' : 'msg.intro.firing', { count: ranked.length, where });
  const footer = [...(ranked.length > 0 ? [t('msg.footer.ack')] : []),
    inbox ? t('msg.footer.console', { url: consoleLink(ctx.consoleBase!, { page: 'alerts', filter: { state: 'open' } }) }) : t('msg.footer.cli')];

  return {
    severity: maxSeverity([...input.firing, ...input.resolved].map((a) => a.severity)),
    subject, intro, items, more, actions, resolved: resolvedViews, footer, todo: t('msg.item.todo'),
    ...(resolvedViews.length > 0 ? { resolvedTitle: t('msg.resolved.title') } : {}),
    sms: alertSms({ kind, where, ranked, views, resolved: input.resolved, ctx, links, ackAll, oneLocation }),
  };
}

/** The console inbox filter that shows the same group. */
function inboxFilter(groupLabels: Record<string, string>): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const key of ['location', 'locationGroup', 'category', 'severity', 'type'] as const) if (groupLabels[key]) filter[key === 'locationGroup' ? 'group' : key] = groupLabels[key]!;
  if (groupLabels.supplier) filter.supplier = groupLabels.supplier;
  return filter;
}

/**
 * The SMS: what is worst, how many there are, and a link that does what it says — one alert's "Acknowledge", or
 * "Acknowledge all 12" backed by the stored set of exactly these alerts. English is kept to GSM-7; Chinese is UCS-2.
 * Either way it fits two segments: the text is shortened, never the link.
 */
function alertSms(input: { kind: NotificationKind; where: string; ranked: Alert[]; views: AlertView[]; resolved: readonly Alert[]; ctx: MessageContext;
  links?: LinkSettings; ackAll?: string; oneLocation: boolean }): string {
  const { ctx, ranked, views } = input;
  const t = translator(ctx.locale);
  const top = ranked[0];
  let body: string;
  let link = '';
  if (!top) {
    const only = input.resolved[0];
    body = input.resolved.length === 1 && only
      ? t('sms.resolved.one', { what: describeAlert(only, ctx).brief })
      : t('sms.resolved.many', { where: input.where, count: input.resolved.length });
  } else {
    const worst = smsWhat(top, describeAlert(top, ctx), ctx);
    body = input.kind === 'escalation' ? t('sms.escalated', { what: worst })
      : ranked.length === 1 ? t('sms.one', { what: worst })
        : t('sms.group', { where: input.where, count: ranked.length, critical: ranked.filter((a) => a.severity === 'critical').length, worst: smsWhat(top, views[0]!, ctx) });
    if (input.ackAll) link = t('sms.ack.all', { count: ranked.length, url: input.ackAll });
    else if (input.links && ranked.length === 1) link = t('sms.ack.one', { url: actionLink(input.links, top.fingerprint, 'ack', ctx.now) });
  }
  return smsWithLink(ctx.locale === 'en' ? toGsm7(body) : body, link);
}

/** The worst alert for an SMS: its short phrase, with the money lost per day for a stockout. */
function smsWhat(alert: Alert, view: AlertView, ctx: MessageContext): string {
  const t = translator(ctx.locale);
  const lost = alert.type === 'STOCKOUT' && typeof alert.facts?.lostSalesPerDay === 'number' && alert.facts.lostSalesPerDay > 0 ? alert.facts.lostSalesPerDay : undefined;
  return lost !== undefined && !isSupplierAlert(alert) ? t('sms.lostPerDay', { what: view.brief, money: formatMoneyRounded(ctx.locale, lost, ctx.currency) }) : view.brief;
}
