// Outbound formats by name. A new format (EDI X12 850, PEPPOL BIS Order) is one adapter file plus one register call.
import { cxmlFormat } from './cxml.js';
import { emailFormat } from './email.js';
import { jsonWebhookFormat } from './json-webhook.js';
import { OutboundFormatError, type OutboundFormat } from './types.js';

const formats = new Map<string, OutboundFormat>([jsonWebhookFormat, cxmlFormat, emailFormat].map((f) => [f.name, f]));

export function registerOutboundFormat(format: OutboundFormat): void {
  if (formats.has(format.name)) throw new OutboundFormatError('FORMAT_UNKNOWN', `An outbound format named "${format.name}" is already registered.`, format.name);
  formats.set(format.name, format);
}

export function outboundFormat(name: string): OutboundFormat {
  const format = formats.get(name);
  if (!format) throw new OutboundFormatError('FORMAT_UNKNOWN', `No outbound format "${name}" (known: ${[...formats.keys()].join(', ')}); fix suppliers[].format or register the adapter.`, name);
  return format;
}

export const outboundFormatNames = (): string[] => [...formats.keys()];
