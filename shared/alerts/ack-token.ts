// One-click links: a compact, single-purpose, expiring token, HMAC-signed over {target, action, exp}.
// 25 bytes (34 characters) so an SMS keeps room for the message. The target is an alert's fingerprint, or for
// `ack-group` the id of the set of alerts one message told (stored as a LinkSet), so "acknowledge all 12" does that.
import { openToken, sealToken, type TokenKind } from '../sealed-token.js';

export const LINK_ACTIONS = ['ack', 'snooze', 'resolve'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];
/** Action codes in the token: the alert actions keep their positions, so links sent before stay valid. */
// `approval` points at a stored request decision (LinkSet.approval): a short link for an SMS to a buyer.
const TOKEN_ACTIONS = [...LINK_ACTIONS, 'ack-group', 'approval'] as const;
type TokenAction = (typeof TOKEN_ACTIONS)[number];
export type SetLinkAction = 'ack-group' | 'approval';

export type VerifiedLink =
  | { action: LinkAction; fingerprint: string; expiresAt: Date }
  | { action: 'ack-group'; setId: string; expiresAt: Date }
  | { action: 'approval'; setId: string; expiresAt: Date };
/** How long a one-click snooze lasts. */
export const LINK_SNOOZE_MS = 24 * 3_600_000;

const MAC_BYTES = 12;
const PAYLOAD_BYTES = 13;

export class AckTokenInvalidError extends Error {
  constructor(readonly code: 'ACK_TOKEN_MALFORMED' | 'ACK_TOKEN_BAD_SIGNATURE' | 'ACK_TOKEN_EXPIRED', message: string) {
    super(message);
    this.name = 'AckTokenInvalidError';
  }
}

const ALERT_LINK: TokenKind = { purpose: 'stocksentry-alert-link', macBytes: MAC_BYTES, wellFormed: (p) => p.length === PAYLOAD_BYTES };

function token(target: string, action: TokenAction, expiresAt: Date, secret: string): string {
  if (!/^[0-9a-f]{16}$/.test(target)) throw new AckTokenInvalidError('ACK_TOKEN_MALFORMED', `a link target must be 16 hex digits, got "${target}"`);
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.write(target, 0, 'hex');
  payload.writeUInt8(TOKEN_ACTIONS.indexOf(action), 8);
  payload.writeUInt32BE(Math.floor(expiresAt.getTime() / 1000), 9);
  return sealToken(ALERT_LINK, payload, secret);
}

/** `fingerprint` is the 16-hex-digit alert fingerprint. */
export const createAckToken = (input: { fingerprint: string; action: LinkAction; expiresAt: Date }, secret: string): string =>
  token(input.fingerprint, input.action, input.expiresAt, secret);

/** A link to a stored LinkSet (16 hex digits): acknowledge all its alerts, or decide its approval. */
export const createSetToken = (input: { setId: string; action: SetLinkAction; expiresAt: Date }, secret: string): string =>
  token(input.setId, input.action, input.expiresAt, secret);

/** Checks signature (against any of `secrets`, for rotation) and expiry; throws AckTokenInvalidError. */
export function verifyAckToken(token: string, secrets: readonly string[], now: Date): VerifiedLink {
  const payload = openToken(ALERT_LINK, token, secrets);
  if (payload === 'malformed') throw new AckTokenInvalidError('ACK_TOKEN_MALFORMED', 'This link is incomplete; open it from the message again or use the alerts list.');
  if (payload === 'bad-signature') throw new AckTokenInvalidError('ACK_TOKEN_BAD_SIGNATURE', 'This link was not issued by this hub (or its key was rotated); use the alerts list instead.');
  const action = TOKEN_ACTIONS[payload.readUInt8(8)];
  if (!action) throw new AckTokenInvalidError('ACK_TOKEN_MALFORMED', 'This link names an unknown action.');
  const expiresAt = new Date(payload.readUInt32BE(9) * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new AckTokenInvalidError('ACK_TOKEN_EXPIRED', `This link expired at ${expiresAt.toISOString()}; act on the alert from the alerts list.`);
  const target = payload.subarray(0, 8).toString('hex');
  if (action === 'ack-group' || action === 'approval') return { action, setId: target, expiresAt };
  return { action, fingerprint: target, expiresAt };
}
