// Lays a MessageDoc out per channel: email as readable plain text (wrapped, Chinese by display width), the webhook
// JSON (full data plus the localized `text`), and the SMS the doc already carries.
import type { Receiver } from '../config.js';
import { resolveLocale, type Locale } from '../i18n/index.js';
import type { AlertType } from '../model.js';
import type { MessageContext, MessageDirectory } from './describe.js';
import { actionLink, alertMessage, FULL_ITEMS, type LinkSettings, type MessageDoc, type MessageLink } from './message.js';
import { maxSeverity, type Alert } from './model.js';
import type { Notification, NotificationKind } from './ports.js';

export { actionLink, type LinkSettings } from './message.js';

export const EMAIL_WIDTH = 76;

/** Used when the caller has no hub.config at hand (tests, tools): ids instead of names, the default currency. */
export const EMPTY_DIRECTORY: MessageDirectory = { currency: 'EUR', locations: new Map(), suppliers: new Map() };

// East Asian wide characters take two columns; a line may break between two of them.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const displayWidth = (s: string): number => { let w = 0; for (const c of s) w += WIDE.test(c) ? 2 : 1; return w; };
const CLOSING = /^[。，、；：！？）」』】〉》.,;:!?)]$/u;

/**
 * Wraps at `width` display columns: at spaces, or between two Chinese characters; continuation lines align with the
 * text above. A word or link longer than the width stays whole on its own line.
 */
export function wrapText(text: string, width = EMAIL_WIDTH): string {
  return text.split('\n').map((line) => {
    // A command ("$ stocksentry …") is copied as a whole: never broken.
    if (displayWidth(line) <= width || /^\s*\$ /.test(line)) return line;
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    // Continuation lines align with the text: under a bullet's or number's text, else under the line's start.
    const hang = ' '.repeat((/^\s*([-*]|\d+\.) /.exec(line)?.[0] ?? indent).length);
    // A number and the Han unit after it (5月, 11日) stay together.
    // A no-break space joins its neighbours (a time and its zone).
    const tokens = line.slice(indent.length).match(new RegExp(`\\d+[年月日时分号点]|${WIDE.source}|[^ \\t${WIDE.source.slice(1, -1)}]+|[ \\t]+`, 'gu')) ?? [];
    const out: string[] = [];
    let current = indent;
    let fresh = true;
    for (const token of tokens) {
      const space = /^[ \t]+$/.test(token);
      if (fresh && space) continue;
      // Closing punctuation never starts a line (it stays with the character before it, a little over the width).
      if (!fresh && displayWidth(current) + displayWidth(token) > width && !space && !CLOSING.test(token)) {
        out.push(current.trimEnd());
        current = hang;
        fresh = true;
      }
      if (fresh && space) continue;
      current += token;
      fresh = false;
    }
    out.push(current.trimEnd());
    return out.join('\n');
  }).join('\n');
}

const labelled = (locale: Locale, link: MessageLink): string => `${link.label}${locale === 'zh-CN' ? '：' : ': '}${link.url}`;
/** Sentences as one paragraph: spaced in English, run together in Chinese. */
export const paragraph = (locale: Locale, sentences: readonly string[]): string => sentences.join(locale === 'zh-CN' ? '' : ' ');

/** The plain-text email body of a message. */
export function emailText(doc: MessageDoc, locale: Locale, full: number = FULL_ITEMS.email): string {
  const lines: string[] = [];
  if (doc.intro) lines.push(doc.intro, '');
  for (const note of doc.notes ?? []) lines.push(note.title, ...note.lines.map((l) => `- ${l}`), '');
  doc.items.slice(0, full).forEach((item, i) => {
    const pad = ' '.repeat(`${i + 1}. `.length);
    lines.push(`${i + 1}. ${item.title}`);
    if (item.sentences.length > 0) lines.push(`${pad}${paragraph(locale, item.sentences)}`);
    if (item.suggestions.length > 0) {
      lines.push(`${pad}${doc.todo}`);
      for (const s of item.suggestions) lines.push(`${pad}- ${s}`);
    }
    if (item.since) lines.push(`${pad}${item.since}`);
    for (const link of item.links) lines.push(`${pad}${labelled(locale, link)}`);
    if (!doc.summary) lines.push('');
  });
  const more = doc.more(full);
  if (more) lines.push(more);
  if (doc.summary) lines.push(doc.summary, '');
  for (const action of doc.actions) lines.push(labelled(locale, action));
  if (doc.validity) lines.push(doc.validity);
  if (more || doc.actions.length > 0 || doc.validity) lines.push('');
  if (doc.resolvedTitle) {
    lines.push(doc.resolvedTitle);
    for (const r of doc.resolved) lines.push(`- ${r}`);
    lines.push('');
  }
  lines.push('-- ', ...doc.footer);
  return wrapText(lines.join('\n'));
}

/** A short plain summary for webhook receivers and chat fallbacks: subject, the top items' titles, the links. */
export function plainSummary(doc: MessageDoc, locale: Locale, full: number = FULL_ITEMS.chat): string {
  const lines = [doc.subject.replace(/^\[StockSentry\] |^【StockSentry】/, '')];
  for (const note of doc.notes ?? []) lines.push(note.title, ...note.lines.map((l) => `- ${l}`));
  for (const item of doc.items.slice(0, full)) lines.push(item.sentences.length > 0 ? `- ${item.title}${locale === 'zh-CN' ? '——' : ': '}${paragraph(locale, item.sentences.slice(0, 2))}` : `- ${item.title}`);
  const more = doc.more(full);
  if (more) lines.push(more);
  if (doc.summary) lines.push(doc.summary);
  for (const action of doc.actions) lines.push(labelled(locale, action));
  if (doc.resolvedTitle) lines.push(doc.resolvedTitle, ...doc.resolved.map((r) => `- ${r}`));
  return lines.join('\n');
}

/** The context one receiver's messages are worded in. */
export function messageContext(receiver: Pick<Receiver, 'locale' | 'timeZone'>, directory: MessageDirectory, now: Date,
  items: ReadonlyMap<string, { name?: string }> = new Map()): MessageContext {
  return { ...directory, locale: resolveLocale(receiver.locale), now, items, ...(receiver.timeZone ? { timeZone: receiver.timeZone } : {}) };
}

/** Builds the notification for one receiver, rendering every channel's body in the receiver's language. */
export function buildNotification(input: {
  id: string; kind: NotificationKind; receiver: Receiver; groupKey: string; groupLabels: Record<string, string>;
  firing: Alert[]; resolved: Alert[]; now: Date; links?: LinkSettings;
  /** Names, currency, console address; defaults to EMPTY_DIRECTORY. */
  directory?: MessageDirectory;
  /** Product names of the alerts' SKUs. */
  items?: ReadonlyMap<string, { name?: string }>;
  /** The stored LinkSet behind the "acknowledge all" link, when there is one. */
  linkSetId?: string;
}): Notification {
  const { kind, receiver, firing, resolved, now, links } = input;
  const ctx = messageContext(receiver, input.directory ?? EMPTY_DIRECTORY, now, input.items);
  const doc = alertMessage({ kind, groupLabels: input.groupLabels, firing, resolved, ctx, ...(links ? { links } : {}), ...(input.linkSetId ? { linkSetId: input.linkSetId } : {}) });
  const all = [...firing, ...resolved];
  const types = new Set(all.map((a) => a.type));
  const locations = new Set(all.map((a) => a.locationId));
  const severity = maxSeverity(all.map((a) => a.severity));
  const at = now.toISOString();
  const type: AlertType | undefined = types.size === 1 ? [...types][0] : undefined;
  const location = locations.size === 1 ? [...locations][0] : undefined;
  const ackAll = input.linkSetId && links && firing.length > 1 ? doc.actions[0]?.url : undefined;
  return {
    id: input.id, kind, receiver, groupKey: input.groupKey, groupLabels: input.groupLabels, severity, type, location,
    firing, resolved, at, doc,
    sms: doc.sms,
    email: { subject: doc.subject.slice(0, 200), text: emailText(doc, ctx.locale) },
    json: {
      version: 1, id: input.id, kind, receiver: receiver.name, groupKey: input.groupKey, groupLabels: input.groupLabels,
      severity, at, locale: ctx.locale, text: plainSummary(doc, ctx.locale), firing, resolved,
      ...(links ? { links: Object.fromEntries(firing.map((a) => [a.fingerprint, { ack: actionLink(links, a.fingerprint, 'ack', now) }])) } : {}),
      ...(ackAll ? { ackAllLink: ackAll } : {}),
    },
  };
}
