// Posting to chat tools: each one's signing (DingTalk signs the URL, Feishu the body), its way of saying "no"
// (WeCom, DingTalk and Feishu answer HTTP 200 with an error code), retries with backoff for rate limits and server
// errors, a pause between posts to one robot that keeps under its rate limit, and a dead letter when all else fails.
import { createHmac } from 'node:crypto';
import { chatMessage, CHAT_LIMITS, type ChatTool } from '../../shared/alerts/chat.js';
import type { AlertPublisher, Notification } from '../../shared/alerts/ports.js';
import type { CredentialRef } from '../../shared/config.js';
import { resolveLocale } from '../../shared/i18n/index.js';

export interface ChatTarget { type: ChatTool; url: string; secret?: string }

/** The request a tool receives: DingTalk's signature goes in the URL, Feishu's in the body. */
export function chatRequest(target: ChatTarget, payload: Record<string, unknown>, now: Date): { url: string; body: string } {
  if (target.type === 'dingtalk' && target.secret) {
    // timestamp in ms + "\n" + secret, HMAC-SHA256 keyed with the secret, base64, URL-encoded.
    const timestamp = String(now.getTime());
    const sign = createHmac('sha256', target.secret).update(`${timestamp}\n${target.secret}`).digest('base64');
    const url = new URL(target.url);
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('sign', sign);
    return { url: url.toString(), body: JSON.stringify(payload) };
  }
  if (target.type === 'feishu' && target.secret) {
    // timestamp in s + "\n" + secret is the HMAC-SHA256 key, over an empty message, base64.
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const sign = createHmac('sha256', `${timestamp}\n${target.secret}`).update('').digest('base64');
    return { url: target.url, body: JSON.stringify({ timestamp, sign, ...payload }) };
  }
  return { url: target.url, body: JSON.stringify(payload) };
}

/** Error codes inside an HTTP 200 that mean "try later": too many messages, or the service busy (-1). */
const RATE_LIMITED: Record<ChatTool, number[]> = { wecom: [-1, 45009], dingtalk: [-1, 130101], feishu: [9499, 11232, 99991400], slack: [], teams: [] };

/** Whether the tool took the message; a failure says whether trying again later can help. */
export function chatOutcome(type: ChatTool, status: number, text: string): { ok: true } | { ok: false; retryable: boolean; reason: string } {
  if (status === 429 || status === 408 || status >= 500) return { ok: false, retryable: true, reason: `HTTP ${status} ${text.slice(0, 200)}`.trim() };
  if (status < 200 || status >= 300) return { ok: false, retryable: false, reason: `HTTP ${status} ${text.slice(0, 200)}`.trim() };
  if (type === 'slack' || type === 'teams') return { ok: true };
  let reply: { errcode?: number; errmsg?: string; code?: number; msg?: string; StatusCode?: number };
  try { reply = JSON.parse(text) as typeof reply; } catch { return { ok: false, retryable: true, reason: `unreadable answer: ${text.slice(0, 200)}` }; }
  const code = reply.errcode ?? reply.code ?? reply.StatusCode ?? 0;
  if (code === 0) return { ok: true };
  return { ok: false, retryable: RATE_LIMITED[type].includes(code), reason: `${type} error ${code}: ${reply.errmsg ?? reply.msg ?? ''}`.trim() };
}

/** Keeps posts to one robot apart by its tool's minimum interval (per process). */
export class ChatPacer {
  private readonly last = new Map<string, number>();
  constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)), private readonly now: () => number = () => Date.now()) {}
  async wait(key: string, minIntervalMs: number): Promise<void> {
    const previous = this.last.get(key);
    const due = previous === undefined ? 0 : previous + minIntervalMs - this.now();
    if (due > 0) await this.sleep(due);
    this.last.set(key, this.now());
  }
}

export class ChatDeliveryError extends Error {
  readonly code = 'CHAT_DELIVERY_FAILED';
  constructor(readonly type: ChatTool, readonly failures: string[]) {
    super(`${type}: ${failures.at(-1) ?? 'not delivered'}`);
    this.name = 'ChatDeliveryError';
  }
}

export interface ChatSendOptions {
  fetch?: typeof fetch;
  clock?: { now(): Date };
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  pacer?: ChatPacer;
}

/** Posts one message, retrying what may pass later (honouring Retry-After); throws ChatDeliveryError with every attempt. */
export async function sendChat(target: ChatTarget, payload: Record<string, unknown>, options: ChatSendOptions = {}): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? { now: () => new Date() };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = options.attempts ?? 4;
  const failures: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await options.pacer?.wait(target.url, CHAT_LIMITS[target.type].minIntervalMs);
    // Signed per attempt: DingTalk and Feishu refuse a timestamp more than an hour away.
    const request = chatRequest(target, payload, clock.now());
    let retryAfterMs = 0;
    try {
      const res = await doFetch(request.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: request.body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      const outcome = chatOutcome(target.type, res.status, await res.text());
      if (outcome.ok) return;
      failures.push(`attempt ${attempt}: ${outcome.reason}`);
      if (!outcome.retryable) break;
      retryAfterMs = Math.min(60_000, Number(res.headers.get('retry-after') ?? 0) * 1000 || 0);
    } catch (error) {
      failures.push(`attempt ${attempt}: ${(error as Error).message}`);
    }
    if (attempt < attempts) await sleep(Math.max(retryAfterMs, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1)));
  }
  throw new ChatDeliveryError(target.type, failures);
}

/** A chat message that could not be delivered: what the tool would have received, never the robot's URL (a credential). */
export interface ChatDeadLetter {
  notificationId: string;
  receiver: string;
  tool: ChatTool;
  /** Which of the receiver's chats (index into receivers[].chats). */
  chat: number;
  failedAt: string;
  failures: string[];
  payload: Record<string, unknown>;
}

/**
 * Delivers a notification to the receiver's chat tools. A chat that keeps failing is dead-lettered, not thrown:
 * the notification's other channels went out and must not be sent twice by a retry of the whole notification.
 */
export class ChatPublisher implements AlertPublisher {
  constructor(private readonly deps: {
    resolve: (ref: CredentialRef) => Promise<string | undefined>;
    deadLetter: (letter: ChatDeadLetter) => Promise<void>;
    clock?: { now(): Date };
    send?: ChatSendOptions;
  }) {}

  async publish(n: Notification): Promise<void> {
    await Promise.all(n.receiver.chats.map(async (chat, i) => {
      const payload = chatMessage(chat.type, n.doc, resolveLocale(n.receiver.locale));
      const letter = (failures: string[]) => this.deps.deadLetter({
        notificationId: n.id, receiver: n.receiver.name, tool: chat.type, chat: i, failedAt: (this.deps.clock ?? { now: () => new Date() }).now().toISOString(), failures, payload,
      });
      // The resolvers' messages name the reference, never its value.
      const unresolved: string[] = [];
      const resolve = (what: string, ref: CredentialRef) => this.deps.resolve(ref).then(
        (value) => { if (!value) unresolved.push(`${what} ${JSON.stringify(ref)} is empty`); return value; },
        (error: Error) => { unresolved.push(`${what} ${JSON.stringify(ref)} did not resolve: ${error.message}`); return undefined; },
      );
      const url = await resolve('webhook', chat.webhook);
      const secret = chat.secret ? await resolve('secret', chat.secret) : undefined;
      if (!url || (chat.secret && !secret)) {
        await letter(unresolved);
        return;
      }
      try {
        await sendChat({ type: chat.type, url, ...(secret ? { secret } : {}) }, payload, { ...this.deps.send, ...(this.deps.clock ? { clock: this.deps.clock } : {}) });
      } catch (error) {
        if (!(error instanceof ChatDeliveryError)) throw error;
        await letter(error.failures);
      }
    }));
  }
}
