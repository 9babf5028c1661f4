// Approve / reject links in a buyer's message: HMAC-signed over the request key, the revision the buyer was shown,
// the action, who it was sent to and an expiry. A link never decides a revision its reader has not seen: the page it
// opens shows the request as it is now and what changed, and the decision names the revision on that page.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const APPROVAL_LINK_ACTIONS = ['approve', 'reject', 'decide'] as const;
/** `decide` offers both (the SMS has room for one link). */
export type ApprovalLinkAction = (typeof APPROVAL_LINK_ACTIONS)[number];

export interface ApprovalLink {
  requestKey: string;
  revision: number;
  action: ApprovalLinkAction;
  /** The receiver the message went to, recorded as who decided. */
  receiver: string;
  expiresAt: Date;
}

const VERSION = 1;
const MAC_BYTES = 16;

export class ApprovalLinkInvalidError extends Error {
  constructor(readonly code: 'APPROVAL_LINK_MALFORMED' | 'APPROVAL_LINK_BAD_SIGNATURE' | 'APPROVAL_LINK_EXPIRED', message: string) {
    super(message);
    this.name = 'ApprovalLinkInvalidError';
  }
}

const mac = (secret: string, payload: Buffer): Buffer =>
  createHmac('sha256', secret).update('stocksentry-approval-link\u0000').update(payload).digest().subarray(0, MAC_BYTES);

/** [version, action, revision u32, expiry u32 (s), receiver length, receiver, request key] + MAC, base64url. */
export function createApprovalToken(link: ApprovalLink, secret: string): string {
  const receiver = Buffer.from(link.receiver, 'utf8');
  const key = Buffer.from(link.requestKey, 'utf8');
  if (receiver.length > 255) throw new ApprovalLinkInvalidError('APPROVAL_LINK_MALFORMED', 'receiver name too long for a link');
  const head = Buffer.alloc(11);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(APPROVAL_LINK_ACTIONS.indexOf(link.action), 1);
  head.writeUInt32BE(link.revision, 2);
  head.writeUInt32BE(Math.floor(link.expiresAt.getTime() / 1000), 6);
  head.writeUInt8(receiver.length, 10);
  const payload = Buffer.concat([head, receiver, key]);
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** Checks the signature (any of `secrets`, for rotation) and the expiry; throws ApprovalLinkInvalidError. */
export function verifyApprovalToken(token: string, secrets: readonly string[], now: Date): ApprovalLink {
  const raw = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  if (raw.length < 11 + MAC_BYTES + 1 || raw.readUInt8(0) !== VERSION) throw new ApprovalLinkInvalidError('APPROVAL_LINK_MALFORMED', 'This link is incomplete; open it from the message again.');
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  const given = raw.subarray(raw.length - MAC_BYTES);
  if (!secrets.some((s) => timingSafeEqual(mac(s, payload), given))) {
    throw new ApprovalLinkInvalidError('APPROVAL_LINK_BAD_SIGNATURE', 'This link was not issued by this hub (or its key was rotated).');
  }
  const action = APPROVAL_LINK_ACTIONS[payload.readUInt8(1)];
  const receiverLength = payload.readUInt8(10);
  if (!action || payload.length <= 11 + receiverLength) throw new ApprovalLinkInvalidError('APPROVAL_LINK_MALFORMED', 'This link names an unknown action.');
  const expiresAt = new Date(payload.readUInt32BE(6) * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new ApprovalLinkInvalidError('APPROVAL_LINK_EXPIRED', `This link expired at ${expiresAt.toISOString()}.`);
  return {
    action, revision: payload.readUInt32BE(2), expiresAt,
    receiver: payload.subarray(11, 11 + receiverLength).toString('utf8'),
    requestKey: payload.subarray(11 + receiverLength).toString('utf8'),
  };
}
