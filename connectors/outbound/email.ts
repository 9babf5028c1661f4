// Email: a readable order in the body and the same lines as a CSV attachment, built with nodemailer's MailComposer.
import MailComposer from 'nodemailer/lib/mail-composer';
import { OutboundFormatError, type OutboundFormat } from './types.js';
import { toCanonicalOrder } from './canonical.js';

export const CSV_HEADER = ['poNumber', 'revision', 'lineNo', 'sku', 'qty', 'uom', 'unitPrice', 'currency', 'requestedDate', 'shipTo'] as const;

// RFC 4180: quote fields that hold a comma, quote or line break.
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export const emailFormat: OutboundFormat = {
  name: 'email',
  async render(request, ctx) {
    const to = ctx.supplier.email;
    if (!to) throw new OutboundFormatError('SUPPLIER_ENDPOINT_MISSING', `Supplier ${ctx.supplier.id} uses format email but has no email; set suppliers[].email in hub.config.`, `suppliers.${ctx.supplier.id}.email`);
    const from = ctx.fromEmail ?? `replenishment@${ctx.buyerId}.invalid`;
    const order = toCanonicalOrder(request, ctx.buyerId, ctx.at);
    const subject = `${order.type === 'new' ? 'Purchase order' : `Change to purchase order (revision ${order.revision})`} ${order.poNumber}`;
    const width = Math.max(3, ...order.lines.map((l) => l.sku.length));
    const text = [
      `Dear ${ctx.supplier.name ?? ctx.supplier.id},`,
      '',
      `please deliver the following to ${order.shipTo.locationId}.`,
      '',
      `Order:    ${order.poNumber} (revision ${order.revision})`,
      `Issued:   ${order.issueDate}`,
      `Currency: ${order.currency}`,
      '',
      `${'SKU'.padEnd(width)}  ${'Qty'.padStart(8)}  ${'Unit price'.padStart(10)}  Need by`,
      ...order.lines.map((l) => `${l.sku.padEnd(width)}  ${`${l.qty} ${l.uom}`.padStart(8)}  ${l.unitPrice.padStart(10)}  ${l.requestedDate}`),
      '',
      `Total: ${order.total} ${order.currency}`,
      '',
      `Please confirm quantities and delivery dates, quoting ${order.poNumber}. The attached CSV holds the same lines.`,
    ].join('\n');
    const csv = [CSV_HEADER.join(','), ...order.lines.map((l) => [order.poNumber, String(order.revision), String(l.lineNo), l.sku, l.qty, l.uom, l.unitPrice, order.currency, l.requestedDate, order.shipTo.locationId].map(csvField).join(','))].join('\r\n');
    const raw = await new MailComposer({
      from, to, subject, text,
      date: ctx.at,
      messageId: `<${encodeURIComponent(order.poNumber)}.${order.revision}@${ctx.buyerId}.stocksentry>`,
      headers: { 'X-StockSentry-Request': order.poNumber, 'X-StockSentry-Revision': String(order.revision) },
      attachments: [{ filename: `${order.poNumber.replace(/[^A-Za-z0-9_-]+/g, '_')}-r${order.revision}.csv`, content: `${csv}\r\n`, contentType: 'text/csv; charset=utf-8' }],
    }).compile().build();
    return { kind: 'email', from, to: [to], subject, raw };
  },
};
