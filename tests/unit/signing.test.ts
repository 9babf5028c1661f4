import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../shared/signing.js';

const at = new Date('2026-05-01T12:00:00Z');
const body = JSON.stringify({ sku: 'A', qty: 3 });

describe('webhook signatures', () => {
  it('signs t.body with HMAC-SHA256, as an independent implementation computes it', () => {
    const header = sign(body, 's3cret', at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex')}`);
  });

  it('accepts a fresh signature under either secret during a rotation', () => {
    const header = sign(body, 'old', at);
    expect(verify(body, header, ['new', 'old'], at)).toEqual({ ok: true, timestamp: at.getTime() / 1000 });
  });

  it('rejects tampered bodies, stale timestamps, wrong secrets and malformed headers', () => {
    const header = sign(body, 'k', at);
    expect(verify(`${body} `, header, ['k'], at)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verify(body, header, ['k'], new Date(at.getTime() + 301_000))).toEqual({ ok: false, reason: 'signature timestamp outside tolerance' });
    expect(verify(body, header, ['other'], at).ok).toBe(false);
    expect(verify(body, 'v1=abc', ['k'], at)).toEqual({ ok: false, reason: 'malformed signature header' });
    expect(verify(body, undefined, ['k'], at)).toEqual({ ok: false, reason: 'missing signature header' });
  });
});
