// Hands a rendered message to the supplier: HTTP POST (webhook, cXML) or an email transport.
import { XMLParser } from 'fast-xml-parser';
import type { OutboundMessage } from './types.js';

/** Sends a raw MIME message; SES SendRawEmail on AWS, an outbox folder locally. */
export interface EmailTransport {
  send(message: { from: string; to: string[]; raw: Buffer }): Promise<void>;
}

export class DeliveryError extends Error {
  readonly code = 'DELIVERY_FAILED';
  constructor(message: string, readonly location: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface DeliveryTransports {
  fetch?: typeof fetch;
  email?: EmailTransport;
  timeoutMs?: number;
}

const replyParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: false });

/** A cXML endpoint answers HTTP 200 with its own Status code; anything but 2xx there is a failure too. */
function cxmlStatus(body: string): string | undefined {
  try {
    const parsed = replyParser.parse(body) as { cXML?: { Response?: { Status?: { '@_code'?: string } } } };
    return parsed.cXML?.Response?.Status?.['@_code'];
  } catch {
    return undefined;
  }
}

export async function deliver(message: OutboundMessage, transports: DeliveryTransports = {}): Promise<void> {
  if (message.kind === 'email') {
    if (!transports.email) throw new DeliveryError('No email transport configured for email suppliers.', message.to.join(','), false);
    await transports.email.send({ from: message.from, to: message.to, raw: message.raw });
    return;
  }
  const doFetch = transports.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(message.url, {
      method: 'POST', body: message.body, headers: { 'content-type': message.contentType, ...message.headers },
      signal: AbortSignal.timeout(transports.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new DeliveryError(`POST ${message.url} failed: ${(error as Error).message}`, message.url, true, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    // 4xx other than 408/429 means the supplier refused this document: retrying the same bytes cannot help.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new DeliveryError(`POST ${message.url} answered ${response.status}: ${text.slice(0, 300)}`, message.url, retryable);
  }
  if (message.contentType.startsWith('text/xml')) {
    const code = cxmlStatus(text);
    if (code !== undefined && !code.startsWith('2')) throw new DeliveryError(`cXML endpoint ${message.url} answered Status code ${code}: ${text.slice(0, 300)}`, message.url, code.startsWith('5'));
  }
}
