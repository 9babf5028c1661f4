// cXML 1.2: the OrderRequest we send, and the ConfirmationRequest / ShipNoticeRequest suppliers send back.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ReplenishmentRequest } from '../../shared/replenishment/request.js';
import { SIGNATURE_HEADER, sign } from '../../shared/signing.js';
import { AckInvalidError } from '../../shared/replenishment/errors.js';
import { supplierAck, shipNotice, type SupplierMessage } from '../../shared/replenishment/wire.js';
import type { z } from 'zod';
import { toCanonicalOrder } from './canonical.js';
import { requireEndpoint, requireSecret, type OutboundFormat, type RenderContext } from './types.js';

export const CXML_VERSION = '1.2.014';
export const CXML_DOCTYPE = `<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/${CXML_VERSION}/cXML.dtd">`;
const ATTR = '@_';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: ATTR, textNodeName: '#text', format: true, suppressEmptyNode: true });

const credential = (identity: string, secret?: string) => ({
  Credential: { [`${ATTR}domain`]: 'NetworkID', Identity: identity, ...(secret ? { SharedSecret: secret } : {}) },
});

/** The OrderRequest document for a request (payloadID is unique per revision so a resend is recognisable). */
export function buildOrderRequest(request: ReplenishmentRequest, ctx: RenderContext): string {
  const order = toCanonicalOrder(request, ctx.buyerId, ctx.at);
  const money = (value: string) => ({ Money: { [`${ATTR}currency`]: order.currency, '#text': value } });
  const doc = {
    cXML: {
      [`${ATTR}payloadID`]: `${request.idempotencyKey}#${request.revision}@${ctx.buyerId}`,
      [`${ATTR}timestamp`]: order.issuedAt,
      [`${ATTR}version`]: CXML_VERSION,
      [`${ATTR}xml:lang`]: 'en-US',
      Header: {
        From: credential(ctx.buyerId),
        To: credential(ctx.supplier.cxmlIdentity ?? ctx.supplier.id),
        Sender: { ...credential(ctx.buyerId, ctx.secret), UserAgent: 'StockSentry' },
      },
      Request: {
        [`${ATTR}deploymentMode`]: 'production',
        OrderRequest: {
          OrderRequestHeader: {
            [`${ATTR}orderID`]: order.poNumber,
            [`${ATTR}orderDate`]: order.issuedAt,
            [`${ATTR}orderVersion`]: String(order.revision),
            [`${ATTR}type`]: order.type,
            Total: money(order.total),
            ShipTo: { Address: { [`${ATTR}addressID`]: order.shipTo.locationId, Name: { [`${ATTR}xml:lang`]: 'en', '#text': order.shipTo.locationId } } },
          },
          ItemOut: order.lines.map((l) => ({
            [`${ATTR}quantity`]: l.qty,
            [`${ATTR}lineNumber`]: String(l.lineNo),
            [`${ATTR}requestedDeliveryDate`]: l.requestedDate,
            ItemID: { SupplierPartID: l.supplierSku ?? l.sku, BuyerPartID: l.sku },
            ItemDetail: {
              UnitPrice: money(l.unitPrice),
              Description: { [`${ATTR}xml:lang`]: 'en', '#text': l.sku },
              UnitOfMeasure: l.uom,
            },
          })),
        },
      },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${CXML_DOCTYPE}\n${builder.build(doc) as string}`;
}

export const cxmlFormat: OutboundFormat = {
  name: 'cxml',
  async render(request, ctx) {
    const body = buildOrderRequest(request, ctx);
    return {
      kind: 'http', url: requireEndpoint(ctx), contentType: 'text/xml; charset=utf-8', body,
      headers: { [SIGNATURE_HEADER]: sign(body, requireSecret(ctx), ctx.at), 'idempotency-key': `${request.idempotencyKey}#${request.revision}` },
    };
  },
};

// Elements that may repeat; parsed as arrays even when one is present.
const REPEATING = new Set(['ItemOut', 'ConfirmationItem', 'ConfirmationStatus', 'ShipNoticePortion', 'ShipNoticeItem']);
const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: ATTR, parseAttributeValue: false, parseTagValue: false,
  processEntities: false, isArray: (name) => REPEATING.has(name),
});

type Node = Record<string, unknown>;
const child = (node: unknown, name: string): Node | undefined => {
  const value = (node as Node | undefined)?.[name];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
};
const children = (node: unknown, name: string): Node[] => ((node as Node | undefined)?.[name] as Node[] | undefined) ?? [];
const attr = (node: Node | undefined, name: string): string | undefined => {
  const value = node?.[`${ATTR}${name}`];
  return typeof value === 'string' ? value : undefined;
};
const text = (node: unknown): string | undefined => (typeof node === 'string' ? node : typeof node === 'object' && node ? (node as Node)['#text'] as string | undefined : undefined);
const day = (value: string | undefined): string | undefined => value?.slice(0, 10);

/** Parses an XML document, or fails with a 4xx-worthy message naming the problem. */
export function parseCxml(xml: string): Node {
  // An internal DTD subset is how entity tricks (external entities, billion laughs) arrive; cXML never needs one.
  if (/<!DOCTYPE[^>]*\[/i.test(xml) || /<!ENTITY/i.test(xml)) throw new AckInvalidError('body: DOCTYPE with entity declarations is not accepted; send the cXML document without an internal DTD subset', 'body');
  let parsed: Node;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new AckInvalidError(`body: not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`, 'body');
    parsed = parser.parse(xml) as Node;
  } catch (error) {
    // The parser's own refusals (nesting too deep, entities) are the document's fault, not ours.
    if (error instanceof AckInvalidError) throw error;
    throw new AckInvalidError(`body: the XML document was refused (${error instanceof Error ? error.message : String(error)})`, 'body');
  }
  const root = child(parsed, 'cXML');
  if (!root) throw new AckInvalidError('body: the root element must be <cXML>', 'cXML');
  return root;
}

/** Who sent the document: Sender/Credential Identity and SharedSecret. */
export function cxmlSender(root: Node): { identity?: string; sharedSecret?: string } {
  const cred = child(child(child(root, 'Header'), 'Sender'), 'Credential');
  const identity = text(cred?.['Identity']);
  const sharedSecret = text(cred?.['SharedSecret']);
  return { ...(identity ? { identity } : {}), ...(sharedSecret ? { sharedSecret } : {}) };
}

/** zod-validates the mapped message; a failure names the field so the supplier can fix its document. */
function checked<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.join('.') || '(document)';
  throw new AckInvalidError(`${where}: ${issue?.message ?? 'invalid'} (mapped from the cXML document)`, where);
}

const HEADER_STATUS: Record<string, 'accepted' | 'changed' | 'rejected'> = {
  accept: 'accepted', reject: 'rejected', detail: 'changed', except: 'changed', allDetail: 'changed', backordered: 'changed',
};

/** A cXML ConfirmationRequest or ShipNoticeRequest as the canonical supplier message (validated by the same zod schemas). */
export function cxmlToSupplierMessage(root: Node): SupplierMessage {
  const request = child(root, 'Request');
  const messageId = attr(root, 'payloadID');
  const confirmation = child(request, 'ConfirmationRequest');
  const notice = child(request, 'ShipNoticeRequest');
  if (confirmation) {
    const header = child(confirmation, 'ConfirmationHeader');
    const type = attr(header, 'type') ?? '';
    const status = HEADER_STATUS[type];
    if (!status) throw new AckInvalidError(`ConfirmationHeader@type: "${type}" is not one of ${Object.keys(HEADER_STATUS).join(', ')}`, 'ConfirmationHeader@type');
    const lines = children(confirmation, 'ConfirmationItem').map((item) => {
      const statuses = children(item, 'ConfirmationStatus');
      // accept and detail quantities are confirmed for delivery; reject and backordered ones are not.
      const confirmed = statuses.filter((s) => ['accept', 'detail'].includes(attr(s, 'type') ?? '')).reduce((sum, s) => sum + Number(attr(s, 'quantity') ?? 'NaN'), 0);
      const allRejected = statuses.length > 0 && statuses.every((s) => attr(s, 'type') === 'reject');
      const allAccepted = statuses.every((s) => attr(s, 'type') === 'accept');
      const promised = day(statuses.map((s) => attr(s, 'deliveryDate')).find((d) => d !== undefined));
      return {
        lineNo: Number(attr(item, 'lineNumber')),
        status: allRejected ? 'rejected' : allAccepted ? 'accepted' : 'changed',
        ...(allRejected ? {} : { confirmedQty: statuses.length ? confirmed : Number(attr(item, 'quantity')) }),
        ...(promised ? { promisedDate: promised } : {}),
      };
    });
    return checked(supplierAck, {
      type: 'ack', messageId, poNumber: attr(child(confirmation, 'OrderReference'), 'orderID'), status, lines,
      ...(attr(header, 'deliveryDate') ? { promisedDate: day(attr(header, 'deliveryDate')) } : {}),
    });
  }
  if (notice) {
    const header = child(notice, 'ShipNoticeHeader');
    const portions = children(notice, 'ShipNoticePortion');
    const orderIds = [...new Set(portions.map((p) => attr(child(p, 'OrderReference'), 'orderID')))];
    if (orderIds.length !== 1) throw new AckInvalidError('ShipNoticePortion: exactly one OrderReference@orderID per notice is supported; send one notice per request', 'ShipNoticePortion');
    return checked(shipNotice, {
      type: 'shipNotice', messageId, poNumber: orderIds[0],
      shipDate: day(attr(header, 'shipmentDate')), deliveryDate: day(attr(header, 'deliveryDate')),
      lines: portions.flatMap((p) => children(p, 'ShipNoticeItem').map((i) => ({ lineNo: Number(attr(i, 'lineNumber')), qty: attr(i, 'quantity') }))),
    });
  }
  throw new AckInvalidError('Request: expected a ConfirmationRequest or ShipNoticeRequest', 'Request');
}

/** The synchronous cXML reply: `<Response><Status code=".." text=".."/>`. */
export function cxmlResponse(code: number, textValue: string, at: Date, detail = ''): string {
  const doc = { cXML: { [`${ATTR}payloadID`]: `${at.getTime()}.${code}@stocksentry`, [`${ATTR}timestamp`]: at.toISOString(),
    Response: { Status: { [`${ATTR}code`]: String(code), [`${ATTR}text`]: textValue, ...(detail ? { '#text': detail } : {}) } } } };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${CXML_DOCTYPE}\n${builder.build(doc) as string}`;
}
