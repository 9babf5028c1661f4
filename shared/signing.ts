// Signatures on webhooks the hub sends (alerts, replenishment requests) and checks on what it receives:
// header `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Pure: uses only node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'stocksentry-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function sign(body: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Verifies against any of `secrets` (two during a rotation) within `toleranceSeconds` of `now`. */
export function verify(body: string, header: string | undefined, secrets: readonly string[], now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing signature header' };
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const [k, v] = piece.split('=', 2).map((x) => x.trim());
    if (k && v) parts.set(k, [...(parts.get(k) ?? []), v]);
  }
  const t = Number(parts.get('t')?.[0]);
  const candidates = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || candidates.length === 0) return { ok: false, reason: 'malformed signature header' };
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'signature timestamp outside tolerance' };
  for (const secret of secrets) {
    const expected = Buffer.from(hmac(secret, `${t}.${body}`), 'hex');
    for (const candidate of candidates) {
      const given = Buffer.from(candidate, 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, timestamp: t };
    }
  }
  return { ok: false, reason: 'signature does not match' };
}

const hmac = (secret: string, payload: string): string => createHmac('sha256', secret).update(payload).digest('hex');
