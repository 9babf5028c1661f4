import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AckTokenInvalidError, buildNotification, createAckToken, smsSegments, verifyAckToken, wrapText, computeAlertStats, type Alert,
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

  it('keeps single-alert tokens issued before group links valid (same bytes, same meaning)', () => {
    // Issued by the earlier release for {a1b2c3d4e5f60718, ack, 2026-05-05T08:00Z} with secret k1.
    expect(createAckToken({ fingerprint: 'a1b2c3d4e5f60718', action: 'ack', expiresAt: new Date('2026-05-05T08:00:00Z') }, 'k1')).toBe('obLD1OX2BxgAafmjgAm1FLeJYF-jpwpAIA');
    expect(verifyAckToken('obLD1OX2BxgAafmjgAm1FLeJYF-jpwpAIA', ['k1'], now)).toEqual({ fingerprint: 'a1b2c3d4e5f60718', action: 'ack', expiresAt: new Date('2026-05-05T08:00:00Z') });
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
  const receiver = { name: 'store-north-manager', locale: 'en' as const, emails: [], phones: ['+4915100000001'], webhooks: [], suppliers: [], chats: [] };
  const sms = (firing: Alert[], extra: Partial<Parameters<typeof buildNotification>[0]> = {}) => buildNotification({
    id: 'n1', kind: 'firing', receiver, groupKey: 'g', groupLabels: { location: 'store-north-berlin' }, firing, resolved: [], now, links, ...extra,
  }).sms;

  it('fits two GSM-7 segments with the acknowledge link intact, whatever the product name', () => {
    const text = sms([alert({ sku: 'SKU-000123' })], { items: new Map([['SKU-000123', { name: `Crêpes – ${'very long product name '.repeat(20)}` }]]) });
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(text).toMatch(/^StockSentry: Crepes - very long product name/);
    expect(text).toMatch(/\.\.\. Acknowledge: https:\/\/stocksentry\.example-retailer\.com\/a\/[\w-]{34}$/);
  });

  it('says "acknowledge all N" when its link acknowledges the whole group, and names the worst alert', () => {
    const group = [alert(), alert({ fingerprint: 'ffffffffffffffff', type: 'STOCKOUT', severity: 'critical', sku: 'SKU-9' })];
    const text = sms(group, { linkSetId: '0123456789abcdef' });
    expect(text).toMatch(/^StockSentry store-north-berlin: 2 alerts, 1 critical\. Worst: SKU-9 is out of stock\. Acknowledge all 2: https:\/\/\S+\/a\/[\w-]{34}$/);
    const token = /\/a\/([\w-]{34})$/.exec(text)![1]!;
    expect(verifyAckToken(token, ['k1'], now)).toMatchObject({ action: 'ack-group', setId: '0123456789abcdef' });
    // Without a stored set the SMS does not offer to acknowledge anything it cannot.
    expect(sms(group)).not.toMatch(/Acknowledge/);
  });

  it('keeps a Chinese SMS within two UCS-2 segments', () => {
    const zh = { ...receiver, locale: 'zh-CN' as const };
    const text = buildNotification({ id: 'n1', kind: 'firing', receiver: zh, groupKey: 'g', groupLabels: { location: 'store-north-berlin' }, firing: [alert({ sku: 'SKU-1' })], resolved: [], now, links,
      items: new Map([['SKU-1', { name: '非常长的商品名称'.repeat(20) }]]) }).sms;
    expect(smsSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(text).toMatch(/…确认：https:\/\/\S+\/a\/[\w-]{34}$/);
  });

  it('counts segments the way carriers do', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('库'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('库'.repeat(134))).toEqual({ encoding: 'UCS-2', units: 134, segments: 2 });
    expect(smsSegments('库'.repeat(135)).segments).toBe(3);
  });
});

describe('email wrapping', () => {
  it('wraps long lines at spaces to 76 columns, keeping the indent', () => {
    const wrapped = wrapText(`  ${'word '.repeat(30).trim()}`);
    expect(wrapped.split('\n').every((l) => l.length <= 76 && l.startsWith('  '))).toBe(true);
    expect(wrapped.replace(/\n\s+/g, ' ').trim()).toBe('word '.repeat(30).trim());
  });

  it('wraps Chinese by display width, never starting a line with closing punctuation', () => {
    const text = `   ${'已无可售库存，现有件数全部被客户订单占用。'.repeat(6)}`;
    const lines = wrapText(text).split('\n');
    const width = (l: string) => [...l].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(width(line)).toBeLessThanOrEqual(78);
      expect(line.trimStart()).not.toMatch(/^[。，、）]/);
    }
    expect(lines.map((l) => l.trim()).join('')).toBe(text.trim());
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
