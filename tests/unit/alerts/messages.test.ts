import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AckTokenInvalidError, createAckToken, renderSms, verifyAckToken, wrapText, computeAlertStats, type Alert,
} from '../../../shared/alerts/index.js';
import { catalogJsonSchemas, DETAIL_TYPES, EventDetailInvalidError, parseEventDetail } from '../../../events/catalog.js';

const now = new Date('2026-05-04T08:00:00Z');
const alert = (extra: Partial<Alert> = {}): Alert => ({
  fingerprint: 'a1b2c3d4e5f60718', alertId: 'x', type: 'STOCKOUT_RISK', severity: 'warning', state: 'open', sku: 'SKU-000123',
  locationId: 'store-north-berlin', labels: { type: 'STOCKOUT_RISK', severity: 'warning', sku: 'SKU-000123', location: 'store-north-berlin' },
  message: 'Läuft aus – 42 on hand covers 5.1 days; next inbound 2026-05-12 from sup-std; short 18 units before it arrives, reorder now or transfer from dc-1',
  openedAt: now.toISOString(), updatedAt: now.toISOString(), escalationStep: 0, reopenCount: 0, version: 1, ...extra,
});
const links = { baseUrl: 'https://stocksentry.example-retailer.com', secret: 'k1', ttlMs: 7 * 86_400_000 };

describe('ack tokens', () => {
  it('round-trips fingerprint, action and expiry, and accepts a rotated-out secret', () => {
    const token = createAckToken({ fingerprint: 'a1b2c3d4e5f60718', action: 'snooze', expiresAt: new Date('2026-05-05T08:00:00Z') }, 'old');
    expect(token).toHaveLength(34);
    expect(verifyAckToken(token, ['new', 'old'], now)).toEqual({ fingerprint: 'a1b2c3d4e5f60718', action: 'snooze', expiresAt: new Date('2026-05-05T08:00:00Z') });
  });

  it('rejects tampered, foreign and expired tokens with a reason', () => {
    const token = createAckToken({ fingerprint: 'a1b2c3d4e5f60718', action: 'ack', expiresAt: new Date('2026-05-05T08:00:00Z') }, 'k1');
    const tampered = Buffer.from(token, 'base64url');
    tampered[8] = 2; // ack -> resolve
    const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as AckTokenInvalidError).code; } };
    expect(code(() => verifyAckToken(tampered.toString('base64url'), ['k1'], now))).toBe('ACK_TOKEN_BAD_SIGNATURE');
    expect(code(() => verifyAckToken(token, ['other'], now))).toBe('ACK_TOKEN_BAD_SIGNATURE');
    expect(code(() => verifyAckToken(token, ['k1'], new Date('2026-05-05T08:00:00Z')))).toBe('ACK_TOKEN_EXPIRED');
    expect(code(() => verifyAckToken('short', ['k1'], now))).toBe('ACK_TOKEN_MALFORMED');
  });
});

describe('SMS', () => {
  it('fits 160 GSM-7 characters with the ack link intact, whatever the message length', () => {
    const sms = renderSms('firing', [alert()], [], links, now);
    expect(sms.length).toBeLessThanOrEqual(160);
    expect(sms).toMatch(/^\[WARN\] STOCKOUT_RISK SKU-000123 @store-north-berlin: Lauft aus 42 on hand/);
    expect(sms).toMatch(/\.\.\. Ack: https:\/\/stocksentry\.example-retailer\.com\/a\/[\w-]{34}$/);
    expect(sms).toMatch(/^[\x20-\x7e]+$/);
  });

  it('names the count and the SKUs of a group, worst first', () => {
    const sms = renderSms('firing', [alert(), alert({ fingerprint: 'ffffffffffffffff', type: 'STOCKOUT', severity: 'critical', sku: 'SKU-9' })], [], undefined, now);
    expect(sms).toBe('[CRIT] 2 alerts @store-north-berlin: STOCKOUT SKU-9, STOCKOUT_RISK SKU-000123');
  });
});

describe('email wrapping', () => {
  it('wraps long lines at spaces to 76 columns, keeping the indent', () => {
    const wrapped = wrapText(`  ${'word '.repeat(30).trim()}`);
    expect(wrapped.split('\n').every((l) => l.length <= 76 && l.startsWith('  '))).toBe(true);
    expect(wrapped.replace(/\n\s+/g, ' ').trim()).toBe('word '.repeat(30).trim());
  });
});

describe('event catalog', () => {
  it('validates details and names the bad field', () => {
    expect(() => parseEventDetail('ReplenishmentRequested', { idempotencyKey: 'k', supplierId: 's', locationId: 'l', lines: [{ sku: 'a', qty: 0, needBy: '2026-05-09' }], requestedAt: now.toISOString() }))
      .toThrow(EventDetailInvalidError);
    expect(() => parseEventDetail('ReplenishmentRequested', { idempotencyKey: 'k', supplierId: 's', locationId: 'l', lines: [{ sku: 'a', qty: 0, needBy: '2026-05-09' }], requestedAt: now.toISOString() }))
      .toThrow(/lines\.0\.qty/);
    expect(parseEventDetail('ReplenishmentRequested', { idempotencyKey: 'k', supplierId: 's', locationId: 'l', lines: [{ sku: 'a', qty: 12, needBy: '2026-05-09', unitCost: 1.5 }], requestedAt: now.toISOString() }).lines[0]!.qty).toBe(12);
  });

  it('keeps the committed events/schemas/*.json in step with the catalog (regenerate: npx tsx events/export-json-schema.ts)', () => {
    for (const [detailType, schema] of Object.entries(catalogJsonSchemas())) {
      expect(JSON.parse(readFileSync(new URL(`../../../events/schemas/${detailType}.json`, import.meta.url), 'utf8'))).toEqual(schema);
    }
  });

  it('exports a JSON Schema envelope per detail-type', () => {
    const schemas = catalogJsonSchemas();
    expect(Object.keys(schemas).sort()).toEqual([...DETAIL_TYPES].sort());
    expect(schemas.AlertEscalated).toMatchObject({ title: 'AlertEscalated', type: 'object', properties: { 'detail-type': { const: 'AlertEscalated' }, source: { const: 'stocksentry.alerts' } } });
    expect((schemas.ReplenishmentRequested as { properties: { detail: { required: string[] } } }).properties.detail.required)
      .toEqual(['idempotencyKey', 'supplierId', 'locationId', 'lines', 'requestedAt']);
  });
});

describe('computeAlertStats', () => {
  it('measures time to ack, share acted on and alerts per position-month', () => {
    const at = (min: number) => new Date(now.getTime() + min * 60_000).toISOString();
    const alerts = [
      alert({ sku: 'A', acknowledgedAt: at(10) }),
      alert({ sku: 'A', type: 'EXPIRY', acknowledgedAt: at(30) }),
      alert({ sku: 'B', resolution: 'manual', state: 'resolved' }),
      alert({ sku: 'C', resolution: 'cleared', state: 'resolved' }),
    ];
    const stats = computeAlertStats(alerts, { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-05-31T10:30:00Z') }, 10);
    expect(stats).toMatchObject({ opened: 4, acknowledged: 2, actedOnShare: 0.75, timeToAckMinutes: { median: 20, p90: 28 }, positions: 10, byType: { STOCKOUT_RISK: 3, EXPIRY: 1 } });
    expect(stats.alertsPerPositionMonth).toBeCloseTo(0.4, 2);
  });
});
