// Compact signed tokens for links in messages: a binary payload followed by the first bytes of an HMAC-SHA256 over a
// purpose label and the payload, base64url. The label keeps a token of one kind from passing as another. Pure.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenKind {
  /** What the token is for, signed with the payload. */
  purpose: string;
  macBytes: number;
  /** Whether a decoded payload has the kind's shape; checked before the signature. */
  wellFormed: (payload: Buffer) => boolean;
}

const mac = (kind: TokenKind, secret: string, payload: Buffer): Buffer =>
  createHmac('sha256', secret).update(`${kind.purpose}\u0000`).update(payload).digest().subarray(0, kind.macBytes);

export const sealToken = (kind: TokenKind, payload: Buffer, secret: string): string =>
  Buffer.concat([payload, mac(kind, secret, payload)]).toString('base64url');

/** The payload, once its signature matches one of `secrets` (rotation); otherwise why not. */
export function openToken(kind: TokenKind, token: string, secrets: readonly string[]): Buffer | 'malformed' | 'bad-signature' {
  const raw = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  if (raw.length <= kind.macBytes) return 'malformed';
  const payload = raw.subarray(0, raw.length - kind.macBytes);
  if (!kind.wellFormed(payload)) return 'malformed';
  const given = raw.subarray(raw.length - kind.macBytes);
  return secrets.some((s) => timingSafeEqual(mac(kind, s, payload), given)) ? payload : 'bad-signature';
}
