// Local delivery of alert notifications: email as .eml files and SMS as lines in outbox/, webhooks and chat tools
// (WeCom, DingTalk, Feishu, Slack, Teams) POSTed for real, retried with backoff, then kept in outbox/dead-letter/
// (never dropped). Supplier orders are kept in outbox/suppliers/ in the form the supplier receives.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { ChatPacer, ChatPublisher, type ChatDeadLetter, type ChatSendOptions } from '../../connectors/chat/deliver.js';
import type { EmailTransport } from '../../connectors/outbound/deliver.js';
import type { OutboundMessage } from '../../connectors/outbound/types.js';
import type { CredentialRef } from '../../shared/config.js';
import type { AlertPublisher, Notification } from '../../shared/alerts/ports.js';
import { SIGNATURE_HEADER, sign } from '../../shared/signing.js';
import { systemClock, type Clock } from '../../shared/ports.js';

export interface LocalDeliveryOptions {
  outboxDir: string;
  from?: string;
  /** Webhook secrets; locally only `{ env }` references resolve (from process.env). */
  resolveSecret?: (ref: CredentialRef) => string | undefined;
  /** Attempts per webhook (default 4) and the first backoff (default 500 ms, doubling, with jitter). */
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  clock?: Clock;
  /** Chat delivery settings (tests shorten the pauses). */
  chat?: ChatSendOptions;
}

export const envSecret = (ref: CredentialRef): string | undefined => ('env' in ref ? process.env[ref.env] : undefined);

const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);

export class LocalDeliveryPublisher implements AlertPublisher {
  private readonly from: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly resolveSecret: (ref: CredentialRef) => string | undefined;
  private readonly chats: ChatPublisher;

  constructor(private readonly options: LocalDeliveryOptions) {
    this.from = options.from ?? 'StockSentry <alerts@stocksentry.local>';
    this.attempts = options.attempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.resolveSecret = options.resolveSecret ?? envSecret;
    this.chats = new ChatPublisher({
      resolve: async (ref) => this.resolveSecret(ref), clock: this.clock,
      deadLetter: (letter) => this.deadLetterChat(letter),
      send: { pacer: new ChatPacer(), attempts: this.attempts, baseDelayMs: this.baseDelayMs, timeoutMs: this.timeoutMs, ...options.chat },
    });
  }

  get smsFile(): string { return path.join(this.options.outboxDir, 'sms.txt'); }
  get deadLetterDir(): string { return path.join(this.options.outboxDir, 'dead-letter'); }

  async publish(n: Notification): Promise<void> {
    await mkdir(this.options.outboxDir, { recursive: true });
    if (n.receiver.emails.length > 0) await this.writeEmail(n);
    if (n.receiver.phones.length > 0) {
      await appendFile(this.smsFile, n.receiver.phones.map((phone) => `${n.at}\t${phone}\t${n.sms}\n`).join(''));
    }
    await Promise.all([...n.receiver.webhooks.map((hook, i) => this.deliverWebhook(n, hook, i)), this.chats.publish(n)]);
  }

  private async deadLetterChat(letter: ChatDeadLetter): Promise<void> {
    await mkdir(this.deadLetterDir, { recursive: true });
    await writeFile(path.join(this.deadLetterDir, `${letter.notificationId}-${fileSafe(letter.receiver)}-${letter.tool}${letter.chat}.json`), `${JSON.stringify(letter, null, 2)}\n`);
  }

  private async writeEmail(n: Notification): Promise<string> {
    const message = await new MailComposer({
      from: this.from,
      to: n.receiver.emails,
      subject: n.email.subject,
      text: n.email.text,
      date: new Date(n.at),
      headers: { 'X-StockSentry-Notification': n.id, 'X-StockSentry-Severity': n.severity, 'X-StockSentry-Kind': n.kind },
    }).compile().build();
    const file = path.join(this.options.outboxDir, `${n.at.replace(/[:.]/g, '-')}-${fileSafe(n.receiver.name)}-${n.id.slice(0, 12)}.eml`);
    await writeFile(file, message);
    return file;
  }

  private async deliverWebhook(n: Notification, hook: Notification['receiver']['webhooks'][number], index: number): Promise<void> {
    const body = JSON.stringify(n.json);
    const secret = hook.secret ? this.resolveSecret(hook.secret) : undefined;
    const failures: string[] = [];
    if (hook.secret && !secret) {
      failures.push(`secret ${JSON.stringify(hook.secret)} did not resolve; set it and replay this file`);
    } else {
      for (let attempt = 1; attempt <= this.attempts; attempt++) {
        // Signed per attempt, so a late retry still falls inside the receiver's timestamp tolerance.
        const headers: Record<string, string> = { 'content-type': 'application/json', 'stocksentry-notification-id': n.id };
        if (secret) headers[SIGNATURE_HEADER] = sign(body, secret, this.clock.now());
        try {
          const res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
          await res.arrayBuffer();
          if (res.ok) return;
          failures.push(`attempt ${attempt}: HTTP ${res.status}`);
          // A 4xx other than 408/429 will not change on retry: the receiver rejects this request.
          if (res.status < 500 && res.status !== 408 && res.status !== 429) break;
        } catch (error) {
          failures.push(`attempt ${attempt}: ${(error as Error).message}`);
        }
        if (attempt < this.attempts) await new Promise((r) => setTimeout(r, this.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2)));
      }
    }
    await mkdir(this.deadLetterDir, { recursive: true });
    await writeFile(path.join(this.deadLetterDir, `${n.id}-${fileSafe(n.receiver.name)}-${index}.json`), `${JSON.stringify({
      url: hook.url, notificationId: n.id, receiver: n.receiver.name, failedAt: this.clock.now().toISOString(), failures, body: n.json,
    }, null, 2)}\n`);
  }
}

const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

/** Supplier emails (orders with their CSV) as .eml files in outbox/suppliers/, the local stand-in for SES. */
export function outboxEmailTransport(outboxDir: string, clock: Clock = systemClock): EmailTransport {
  return {
    async send(message) {
      const dir = path.join(outboxDir, 'suppliers');
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${stamp(clock.now())}-${fileSafe(message.to.join('_'))}.eml`), message.raw);
    },
  };
}

/**
 * Keeps a copy of every order POSTed to a supplier (JSON or cXML) in outbox/suppliers/: exactly the body the supplier
 * received. Order emails are there already (the local email transport writes them).
 */
export function supplierOutbox(outboxDir: string, clock: Clock = systemClock): (message: OutboundMessage, request: { supplierId: string; idempotencyKey: string; revision: number }) => Promise<void> {
  return async (message, request) => {
    if (message.kind !== 'http') return;
    const dir = path.join(outboxDir, 'suppliers');
    await mkdir(dir, { recursive: true });
    const name = `${stamp(clock.now())}-${fileSafe(request.supplierId)}-${fileSafe(request.idempotencyKey)}-r${request.revision}`;
    const ext = message.contentType.includes('xml') ? 'xml' : 'json';
    await writeFile(path.join(dir, `${name}.${ext}`), message.body);
  };
}
