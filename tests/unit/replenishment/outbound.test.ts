import { webcrypto } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cxmlToSupplierMessage, parseCxml } from '../../../connectors/outbound/cxml.js';
import { CSV_HEADER } from '../../../connectors/outbound/email.js';
import { outboundFormat, outboundFormatNames, registerOutboundFormat } from '../../../connectors/outbound/registry.js';
import { OutboundFormatError, type RenderContext } from '../../../connectors/outbound/types.js';
import { AckInvalidError } from '../../../shared/replenishment/errors.js';
import { canonicalOrder } from '../../../shared/replenishment/wire.js';
import { sentRequest, suppliers, T0 } from './fixtures.js';

const SECRET = 'whsec_test_123';
const ctx = (id: string): RenderContext => ({ supplier: suppliers.get(id)!, buyerId: 'acme-retail', secret: SECRET, at: T0 });
const request = { ...sentRequest(), sentRevision: undefined, state: 'approved' as const };

/** HMAC-SHA256 through WebCrypto: an implementation independent of shared/signing.ts (node:crypto createHmac). */
async function independentHmacHex(secret: string, payload: string): Promise<string> {
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload));
  return Buffer.from(mac).toString('hex');
}

async function expectSigned(headers: Record<string, string>, body: string): Promise<void> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(headers['stocksentry-signature'] ?? '');
  expect(match).not.toBeNull();
  expect(Number(match![1])).toBe(T0.getTime() / 1000);
  expect(match![2]).toBe(await independentHmacHex(SECRET, `${match![1]}.${body}`));
  expect(match![2]).not.toBe(await independentHmacHex(SECRET, `${match![1]}.${body} `));
}

describe('json webhook format', () => {
  it('posts the canonical order, valid against its schema, signed with the supplier secret', async () => {
    const message = await outboundFormat('json').render(request, ctx('sup-std'));
    if (message.kind !== 'http') throw new Error('expected http');
    expect(message.url).toBe('https://sup-std.example/orders');
    const order = canonicalOrder.parse(JSON.parse(message.body));
    expect(order).toMatchObject({ poNumber: 'sup-std|store-1|2026-05-04', revision: 1, type: 'new', buyerId: 'acme-retail', currency: 'EUR', total: '180.00', shipTo: { locationId: 'store-1' } });
    expect(order.lines).toEqual([
      { lineNo: 1, sku: 'SKU-A', qty: '24', uom: 'EA', unitPrice: '2.50', requestedDate: '2026-05-10' },
      { lineNo: 2, sku: 'SKU-B', qty: '12', uom: 'EA', unitPrice: '10.00', requestedDate: '2026-05-11' },
    ]);
    expect(message.headers['idempotency-key']).toBe('sup-std|store-1|2026-05-04#1');
    await expectSigned(message.headers, message.body);
  });

  it('fails clearly without a secret', async () => {
    await expect(outboundFormat('json').render(request, { ...ctx('sup-std'), secret: undefined } as unknown as RenderContext)).rejects.toThrow(/no shared secret/);
  });
});

describe('cXML OrderRequest', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (n) => n === 'ItemOut' });

  it('has the documented structure: header credentials, OrderRequestHeader, ItemOut lines', async () => {
    const message = await outboundFormat('cxml').render(request, ctx('sup-alt'));
    if (message.kind !== 'http') throw new Error('expected http');
    expect(message.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE cXML SYSTEM "http:\/\/xml.cxml.org\/schemas\/cXML\/1.2.014\/cXML.dtd">/);
    const doc = parser.parse(message.body).cXML;
    expect(doc['@_payloadID']).toBe('sup-std|store-1|2026-05-04#1@acme-retail');
    expect(doc['@_timestamp']).toBe(T0.toISOString());
    expect(doc.Header.From.Credential).toEqual({ '@_domain': 'NetworkID', Identity: 'acme-retail' });
    expect(doc.Header.To.Credential.Identity).toBe('sup-alt');
    expect(doc.Header.Sender.Credential.SharedSecret).toBe(SECRET);
    const header = doc.Request.OrderRequest.OrderRequestHeader;
    expect(header).toMatchObject({ '@_orderID': 'sup-std|store-1|2026-05-04', '@_type': 'new', '@_orderVersion': '1' });
    expect(header.Total.Money).toEqual({ '@_currency': 'EUR', '#text': '180.00' });
    expect(header.ShipTo.Address['@_addressID']).toBe('store-1');
    const items = doc.Request.OrderRequest.ItemOut;
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ '@_quantity': '12', '@_lineNumber': '2', '@_requestedDeliveryDate': '2026-05-11', ItemID: { SupplierPartID: 'SKU-B' } });
    expect(items[1].ItemDetail.UnitPrice.Money['#text']).toBe('10.00');
    expect(items[1].ItemDetail.UnitOfMeasure).toBe('EA');
    await expectSigned(message.headers, message.body);
  });

  it('escapes XML-special characters in ids', async () => {
    const odd = { ...request, locationId: 'store <&> "1"' };
    const message = await outboundFormat('cxml').render(odd, ctx('sup-alt'));
    if (message.kind !== 'http') throw new Error('expected http');
    expect(parser.parse(message.body).cXML.Request.OrderRequest.OrderRequestHeader.ShipTo.Address['@_addressID']).toBe('store <&> "1"');
  });
});

describe('cXML from suppliers', () => {
  const confirmation = (items: string, type = 'detail') => `<?xml version="1.0"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/Fulfill.dtd">
<cXML payloadID="conf-1@sup-alt" timestamp="2026-05-05T09:00:00Z"><Header>
<From><Credential domain="NetworkID"><Identity>sup-alt</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>acme-retail</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>sup-alt</Identity><SharedSecret>s</SharedSecret></Credential><UserAgent>x</UserAgent></Sender></Header>
<Request><ConfirmationRequest><ConfirmationHeader type="${type}" noticeDate="2026-05-05T09:00:00Z" operation="new"/>
<OrderReference orderID="sup-alt|store-1|2026-05-04"><DocumentReference payloadID="x"/></OrderReference>${items}
</ConfirmationRequest></Request></cXML>`;

  it('maps a ConfirmationRequest with accepted, split and rejected lines', () => {
    const message = cxmlToSupplierMessage(parseCxml(confirmation(`
<ConfirmationItem lineNumber="1" quantity="24"><ConfirmationStatus type="accept" quantity="24" deliveryDate="2026-05-09T12:00:00+02:00"/></ConfirmationItem>
<ConfirmationItem lineNumber="2" quantity="12"><ConfirmationStatus type="accept" quantity="6" deliveryDate="2026-05-10T00:00:00Z"/><ConfirmationStatus type="backordered" quantity="6"/></ConfirmationItem>
<ConfirmationItem lineNumber="3" quantity="5"><ConfirmationStatus type="reject" quantity="5"/></ConfirmationItem>`)));
    expect(message).toEqual({ type: 'ack', messageId: 'conf-1@sup-alt', poNumber: 'sup-alt|store-1|2026-05-04', status: 'changed', lines: [
      { lineNo: 1, status: 'accepted', confirmedQty: 24, promisedDate: '2026-05-09' },
      { lineNo: 2, status: 'changed', confirmedQty: 6, promisedDate: '2026-05-10' },
      { lineNo: 3, status: 'rejected' },
    ] });
  });

  it('maps a ShipNoticeRequest', () => {
    const xml = `<cXML payloadID="asn-77@sup-alt" timestamp="2026-05-08T09:00:00Z"><Header/><Request><ShipNoticeRequest>
<ShipNoticeHeader shipmentID="S1" noticeDate="2026-05-08T09:00:00Z" shipmentDate="2026-05-08T08:00:00Z" deliveryDate="2026-05-11T00:00:00Z"/>
<ShipNoticePortion><OrderReference orderID="k|l|2026-05-04"/><ShipNoticeItem lineNumber="1" quantity="24"/><ShipNoticeItem lineNumber="2" quantity="6"/></ShipNoticePortion>
</ShipNoticeRequest></Request></cXML>`;
    expect(cxmlToSupplierMessage(parseCxml(xml))).toEqual({ type: 'shipNotice', messageId: 'asn-77@sup-alt', poNumber: 'k|l|2026-05-04', shipDate: '2026-05-08', deliveryDate: '2026-05-11', lines: [{ lineNo: 1, qty: 24 }, { lineNo: 2, qty: 6 }] });
  });

  it('names what is wrong in malformed or incomplete documents', () => {
    expect(() => parseCxml('<cXML><Request>')).toThrow(AckInvalidError);
    expect(() => parseCxml('<Other/>')).toThrow(/root element must be <cXML>/);
    expect(() => cxmlToSupplierMessage(parseCxml(confirmation('', 'maybe')))).toThrow(/ConfirmationHeader@type/);
    expect(() => cxmlToSupplierMessage(parseCxml(confirmation('<ConfirmationItem lineNumber="x" quantity="1"/>')))).toThrow(/lines\.0\.lineNo/);
  });
});

describe('email format', () => {
  it('builds a readable order with the same lines as a CSV attachment', async () => {
    const message = await outboundFormat('email').render(request, { ...ctx('sup-solo'), fromEmail: 'buyer@acme.example' });
    if (message.kind !== 'email') throw new Error('expected email');
    expect(message.to).toEqual(['orders@solo.example']);
    const raw = message.raw.toString('utf8');
    expect(raw).toMatch(/^Subject: Purchase order sup-std\|store-1\|2026-05-04$/m);
    expect(raw).toMatch(/^X-StockSentry-Request: sup-std\|store-1\|2026-05-04$/im);
    const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
    expect(boundary).toBeDefined();
    const parts = raw.split(`--${boundary}`).slice(1, -1);
    const decode = (part: string): string => {
      const [head = '', ...body] = part.split(/\r\n\r\n/);
      const content = body.join('\r\n\r\n').trim();
      if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) return content.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      return content;
    };
    const text = parts.find((p) => /Content-Type: text\/plain/i.test(p));
    const csv = parts.find((p) => /Content-Disposition: attachment/i.test(p));
    expect(decode(text!)).toContain('SKU-B     12 EA       10.00  2026-05-11');
    expect(decode(text!)).toContain('Total: 180.00 EUR');
    expect(csv).toMatch(/filename=sup-std_store-1_2026-05-04-r1\.csv/);
    expect(decode(csv!).trimEnd().split('\r\n')).toEqual([CSV_HEADER.join(','), 'sup-std|store-1|2026-05-04,1,1,SKU-A,24,EA,2.50,EUR,2026-05-10,store-1', 'sup-std|store-1|2026-05-04,1,2,SKU-B,12,EA,10.00,EUR,2026-05-11,store-1']);
  });
});

describe('registry', () => {
  it('knows the built-in formats, takes new ones and refuses unknown and duplicate names', async () => {
    expect(outboundFormatNames()).toEqual(expect.arrayContaining(['json', 'cxml', 'email']));
    registerOutboundFormat({ name: 'x12-850', render: async () => ({ kind: 'http', url: 'https://edi.example', contentType: 'application/edi-x12', headers: {}, body: 'ST*850*0001~' }) });
    expect((await outboundFormat('x12-850').render(request, ctx('sup-std'))).kind).toBe('http');
    expect(() => outboundFormat('peppol')).toThrow(OutboundFormatError);
    expect(() => registerOutboundFormat({ name: 'json', render: async () => { throw new Error('unused'); } })).toThrow(/already registered/);
  });
});
