// Approve / reject links in a buyer's message: HMAC-signed over the request key, the revision the buyer was shown,
// the action, who it was sent to and an expiry. A link never decides a revision its reader has not seen: the page it
// opens shows the request as it is now and what changed, and the decision names the revision on that page.
import { openToken, sealToken, type TokenKind } from '../sealed-token.js';

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

const APPROVAL_LINK: TokenKind = {
  purpose: 'stocksentry-approval-link', macBytes: MAC_BYTES, wellFormed: (p) => p.length >= 11 + 1 && p.readUInt8(0) === VERSION,
};

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
  return sealToken(APPROVAL_LINK, Buffer.concat([head, receiver, key]), secret);
}

/** Checks the signature (any of `secrets`, for rotation) and the expiry; throws ApprovalLinkInvalidError. */
export function verifyApprovalToken(token: string, secrets: readonly string[], now: Date): ApprovalLink {
  const payload = openToken(APPROVAL_LINK, token, secrets);
  if (payload === 'malformed') throw new ApprovalLinkInvalidError('APPROVAL_LINK_MALFORMED', 'This link is incomplete; open it from the message again.');
  if (payload === 'bad-signature') throw new ApprovalLinkInvalidError('APPROVAL_LINK_BAD_SIGNATURE', 'This link was not issued by this hub (or its key was rotated).');
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
