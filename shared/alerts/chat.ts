// Chat tools teams already work in, each in its native format, from the same MessageDoc as the email: WeCom group
// robots (markdown), DingTalk custom robots (actionCard), Feishu/Lark bots (interactive card), Slack incoming
// webhooks (Block Kit) and Microsoft Teams workflows (Adaptive Card). Each stays inside its tool's size limit by
// showing fewer items in full (the rest are counted, with the console link) and, if need be, shorter items.
import type { Locale } from '../i18n/index.js';
import type { Severity } from '../model.js';
import { FULL_ITEMS, type MessageDoc, type MessageItem, type MessageLink } from './message.js';

export const CHAT_TOOLS = ['wecom', 'dingtalk', 'feishu', 'slack', 'teams'] as const;
export type ChatTool = (typeof CHAT_TOOLS)[number];

/** What each tool accepts (from its public documentation) and how often one robot / webhook may post. */
export const CHAT_LIMITS: Record<ChatTool, { maxBytes: number; minIntervalMs: number; note: string }> = {
  // WeCom: markdown.content at most 4096 bytes (UTF-8); 20 messages a minute per robot.
  wecom: { maxBytes: 4096, minIntervalMs: 3_000, note: 'markdown content ≤ 4096 bytes; 20 messages/minute per robot' },
  // DingTalk: 20 messages a minute per robot (more pauses it for 10 minutes); the body is kept under 20 000 bytes.
  dingtalk: { maxBytes: 20_000, minIntervalMs: 3_000, note: 'body ≤ 20000 bytes; 20 messages/minute per robot' },
  // Feishu/Lark custom bots: request body at most 20 KB; 100 a minute and 5 a second per bot.
  feishu: { maxBytes: 20_000, minIntervalMs: 600, note: 'body ≤ 20 KB; 100 messages/minute, 5/second per bot' },
  // Slack incoming webhooks: 50 blocks, section text 3000 characters, header 150; about one message a second.
  slack: { maxBytes: 40_000, minIntervalMs: 1_000, note: '≤ 50 blocks, section text ≤ 3000 characters; 1 message/second per webhook' },
  // Teams (Workflows / incoming webhook): message at most 28 KB; more than 4 requests a second are throttled.
  teams: { maxBytes: 28_000, minIntervalMs: 250, note: 'message ≤ 28 KB; 4 requests/second' },
};

const encoder = new TextEncoder();
const bytes = (s: string): number => encoder.encode(s).length;
const heading = (doc: MessageDoc): string => doc.subject.replace(/^\[StockSentry\] |^【StockSentry】/, '');
const join = (locale: Locale, parts: readonly string[]): string => parts.join(locale === 'zh-CN' ? '' : ' ');
const truncate = (s: string, max: number): string => ([...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`);

/** One rendering of the doc with `shown` items in full, each item's sentences cut to `sentenceChars` (0 = whole). */
interface Shape { shown: number; sentenceChars: number }

/** Markdown as WeCom, DingTalk and Feishu read it: **bold**, [text](url), > quotes. */
function markdown(doc: MessageDoc, locale: Locale, shape: Shape, options: { links: boolean; color: boolean }): string {
  const out: string[] = [];
  const sev = (s: Severity, text: string) => (options.color && s !== 'info' ? `<font color="${s === 'critical' ? 'warning' : 'comment'}">${text}</font>` : text);
  if (doc.intro) out.push(doc.intro);
  for (const note of doc.notes ?? []) out.push(`**${note.title}**\n${note.lines.map((l) => `- ${l}`).join('\n')}`);
  doc.items.slice(0, shape.shown).forEach((item, i) => {
    const text = shape.sentenceChars > 0 ? truncate(join(locale, item.sentences), shape.sentenceChars) : join(locale, item.sentences);
    const lines = [`**${i + 1}. ${sev(item.severity, item.title)}**`];
    if (text) lines.push(text);
    for (const s of item.suggestions.slice(0, 2)) lines.push(`> ${s}`);
    if (options.links && item.links.length > 0) lines.push(item.links.map((l) => `[${l.label}](${l.url})`).join(' · '));
    out.push(lines.join('\n'));
  });
  const more = doc.more(shape.shown);
  if (more) out.push(more);
  if (doc.summary) out.push(`**${doc.summary}**`);
  if (options.links && doc.actions.length > 0) out.push(doc.actions.map((a) => `[${a.label}](${a.url})`).join(' · '));
  if (doc.validity) out.push(doc.validity);
  return out.join('\n\n');
}

const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function slack(doc: MessageDoc, locale: Locale, shape: Shape): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(heading(doc), 150), emoji: true } }];
  const section = (text: string) => blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
  if (doc.intro) section(slackEscape(doc.intro));
  for (const note of doc.notes ?? []) section(`*${slackEscape(note.title)}*\n${note.lines.map((l) => `• ${slackEscape(l)}`).join('\n')}`);
  doc.items.slice(0, shape.shown).forEach((item, i) => {
    const text = shape.sentenceChars > 0 ? truncate(join(locale, item.sentences), shape.sentenceChars) : join(locale, item.sentences);
    section([
      `*${i + 1}. ${slackEscape(item.title)}*`, ...(text ? [slackEscape(text)] : []),
      ...item.suggestions.slice(0, 2).map((s) => `• ${slackEscape(s)}`),
      ...(item.links.length > 0 ? [item.links.map((l) => `<${l.url}|${slackEscape(l.label)}>`).join(' · ')] : []),
    ].join('\n'));
  });
  const more = doc.more(shape.shown);
  if (more) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(more) }] });
  if (doc.summary) section(`*${slackEscape(doc.summary)}*`);
  if (doc.actions.length > 0) blocks.push({ type: 'actions', elements: doc.actions.slice(0, 25).map((a, i) => ({ type: 'button', text: { type: 'plain_text', text: truncate(a.label, 75) }, url: a.url, action_id: `link-${i}`, ...(i === 0 ? { style: 'primary' } : {}) })) });
  if (doc.validity) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(doc.validity) }] });
  return { text: heading(doc), blocks: blocks.slice(0, 50) };
}

const FEISHU_TEMPLATE: Record<Severity, string> = { critical: 'red', warning: 'orange', info: 'blue' };

function feishu(doc: MessageDoc, locale: Locale, shape: Shape): Record<string, unknown> {
  const button = (a: MessageLink, i: number) => ({ tag: 'button', text: { tag: 'plain_text', content: a.label }, url: a.url, type: i === 0 ? 'primary' : 'default' });
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: heading(doc) }, template: FEISHU_TEMPLATE[doc.severity] },
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: markdown({ ...doc, actions: [], validity: undefined }, locale, shape, { links: true, color: false }) } },
        ...(doc.actions.length > 0 ? [{ tag: 'hr' }, { tag: 'action', actions: doc.actions.map(button) }] : []),
        ...(doc.validity ? [{ tag: 'note', elements: [{ tag: 'plain_text', content: doc.validity }] }] : []),
      ],
    },
  };
}

function teams(doc: MessageDoc, locale: Locale, shape: Shape): Record<string, unknown> {
  const text = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: t, wrap: true, ...extra });
  const color = (s: Severity) => (s === 'critical' ? 'Attention' : s === 'warning' ? 'Warning' : 'Default');
  const body: Record<string, unknown>[] = [text(heading(doc), { size: 'Large', weight: 'Bolder', color: color(doc.severity) })];
  if (doc.intro) body.push(text(doc.intro));
  for (const note of doc.notes ?? []) body.push(text(`**${note.title}**\n\n${note.lines.map((l) => `- ${l}`).join('\n')}`));
  doc.items.slice(0, shape.shown).forEach((item: MessageItem, i) => {
    const sentences = shape.sentenceChars > 0 ? truncate(join(locale, item.sentences), shape.sentenceChars) : join(locale, item.sentences);
    body.push({
      type: 'Container', separator: true, items: [
        text(`${i + 1}. ${item.title}`, { weight: 'Bolder', color: color(item.severity) }),
        ...(sentences ? [text(sentences)] : []),
        ...(item.suggestions.length > 0 ? [text(item.suggestions.slice(0, 2).map((s) => `- ${s}`).join('\n'))] : []),
        ...(item.links.length > 0 ? [{ type: 'ActionSet', actions: item.links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })) }] : []),
      ],
    });
  });
  const more = doc.more(shape.shown);
  if (more) body.push(text(more, { isSubtle: true }));
  if (doc.summary) body.push(text(doc.summary, { weight: 'Bolder' }));
  if (doc.validity) body.push(text(doc.validity, { isSubtle: true, size: 'Small' }));
  return {
    type: 'message',
    attachments: [{
      contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null,
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body,
        actions: doc.actions.map((a) => ({ type: 'Action.OpenUrl', title: a.label, url: a.url })),
      },
    }],
  };
}

function render(tool: ChatTool, doc: MessageDoc, locale: Locale, shape: Shape): Record<string, unknown> {
  switch (tool) {
    case 'wecom': return { msgtype: 'markdown', markdown: { content: `### ${heading(doc)}\n${markdown(doc, locale, shape, { links: true, color: true })}` } };
    case 'dingtalk': return {
      msgtype: 'actionCard',
      actionCard: {
        title: heading(doc), text: `### ${heading(doc)}\n\n${markdown({ ...doc, actions: [] }, locale, shape, { links: true, color: false })}`,
        btnOrientation: '0', ...(doc.actions.length > 0 ? { btns: doc.actions.map((a) => ({ title: a.label, actionURL: a.url })) } : {}),
      },
    };
    case 'feishu': return feishu(doc, locale, shape);
    case 'slack': return slack(doc, locale, shape);
    case 'teams': return teams(doc, locale, shape);
  }
}

/** The size the tool judges: WeCom the markdown content, the others the whole JSON body. */
const measured = (tool: ChatTool, body: Record<string, unknown>): number =>
  tool === 'wecom' ? bytes((body.markdown as { content: string }).content) : bytes(JSON.stringify(body));

/**
 * The message as `tool` takes it, within its size limit: up to FULL_ITEMS.chat items in full (all lines of an
 * approval), then fewer, then shorter, until it fits. `room` leaves space for what delivery adds (Feishu's signature).
 */
export function chatMessage(tool: ChatTool, doc: MessageDoc, locale: Locale, room = 200): Record<string, unknown> {
  const limit = CHAT_LIMITS[tool].maxBytes - room;
  const full = doc.summary ? doc.items.length : Math.min(FULL_ITEMS.chat, doc.items.length);
  for (let shown = full; shown >= 0; shown--) {
    for (const sentenceChars of [0, 240, 120]) {
      const body = render(tool, doc, locale, { shown, sentenceChars });
      if (measured(tool, body) <= limit) return body;
    }
  }
  // Not even the heading and links fit (a huge approval): the links to act on still do.
  return render(tool, { ...doc, intro: undefined, notes: [], items: [], summary: undefined }, locale, { shown: 0, sentenceChars: 120 });
}
