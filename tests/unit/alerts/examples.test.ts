// Every notification kind in English and Chinese reads as people write: no field names, NaN/undefined/null,
// unrounded numbers, money without currency, machine dates or times without their zone; SMS within two segments;
// and the examples under docs/examples/ are what the hub renders now (regenerate: npm run examples).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildNotification, describeAlert, MemoryAlertStore, reconcilePosition, smsSegments, type Alert } from '../../../shared/alerts/index.js';
import { evaluatePosition } from '../../../shared/engine/index.js';
import type { PositionSnapshot } from '../../../shared/engine/snapshot.js';
import { ALERT_TYPES } from '../../../shared/model.js';
import { translate } from '../../../shared/i18n/index.js';
import { messageProblems } from '../../support/message-checks.js';
import { EXAMPLE_ALERTS, EXAMPLE_LINKS, EXAMPLE_NOW, exampleDirectory, exampleFiles, exampleItems, exampleReceiver, renderExamples } from '../../support/message-examples.js';
import { at, defaultRules, snapshot } from '../engine/fixtures.js';
import { settingsFor } from './fixtures.js';

const examplesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'examples');

describe('every notification kind, in both languages', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const example of renderExamples(locale)) {
      it(`${example.name} (${locale}) reads as a person writes`, () => {
        const n = example.notification;
        for (const [channel, text] of [['subject', n.email.subject], ['email', n.email.text], ['sms', n.sms], ['webhook text', String(n.json.text)]] as const) {
          expect(messageProblems(text), `${channel}:\n${text}`).toEqual([]);
        }
        expect(smsSegments(n.sms).segments).toBeLessThanOrEqual(2);
        expect(smsSegments(n.sms).encoding).toBe(locale === 'en' ? 'GSM-7' : 'UCS-2');
        if (locale === 'zh-CN') expect(n.email.text).toMatch(/[\u4e00-\u9fff]/);
      });
    }
  }

  it('covers each finding type, a group, an escalation, a resolution, an approval and a changed approval', () => {
    const names = renderExamples('en').map((e) => e.name);
    for (const type of ALERT_TYPES) expect(names).toContain(`alert-${type}`);
    expect(names).toEqual(expect.arrayContaining(['alert-SUPPLY_GAP-supplier', 'grouped', 'escalation', 'resolved', 'approval', 'approval-changed']));
  });

  it('catches what it is there to catch', () => {
    expect(messageProblems('daysOfCover: 2.59, expectedShortUnits: 15.71')).toHaveLength(4);
    expect(messageProblems('lostSalesPerDay: 147.95 beside 5.8/day')).toEqual(expect.arrayContaining([expect.stringMatching(/money without currency/)]));
    expect(messageProblems('covers NaN days, undefined, null')).toHaveLength(3);
    expect(messageProblems('opened 2026-11-25T20:25:14.428Z')).toEqual(expect.arrayContaining([expect.stringMatching(/ISO time/)]));
    expect(messageProblems('open since 20:25')).toEqual([expect.stringMatching(/time without a zone/)]);
    expect(messageProblems('open since Mon 4 May, 08:48 UTC')).toEqual([expect.stringMatching(/UTC where/)]);
    expect(messageProblems('LOW_STOCK at store-north')).toEqual([expect.stringMatching(/raw constant/)]);
    expect(messageProblems('Open since Mon 4 May, 08:48 CEST. €1,234.50 tied up; order sup-std|store-1|2026-05-04 for SKU-0042.')).toEqual([]);
  });
});

describe('docs/examples', () => {
  it('are exactly what the hub renders now (npm run examples regenerates them)', () => {
    const expected = exampleFiles();
    const onDisk = ['README.md', ...['en', 'zh-CN'].flatMap((d) => readdirSync(path.join(examplesDir, d)).map((f) => `${d}/${f}`))];
    expect(onDisk.sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(readFileSync(path.join(examplesDir, file), 'utf8'), `docs/examples/${file} is stale: run npm run examples`).toBe(content);
  });
});

/** Snapshots that make the engine raise each finding type, so the wording is checked against the facts it really gives. */
function engineFindings(): { type: string; snapshot: PositionSnapshot }[] {
  const asOf = '2026-05-01';
  const dead = snapshot({}, 200);
  return [
    { type: 'STOCKOUT', snapshot: snapshot({ onHand: 5, reserved: 5, inbound: [{ qty: 40, eta: at(asOf, 4), supplierId: 'sup-1' }] }) },
    { type: 'STOCKOUT_RISK', snapshot: snapshot({ onHand: 45, supplier: { id: 'sup-slow', leadTimeDays: 21 } }) },
    { type: 'LOW_STOCK', snapshot: snapshot({ onHand: 25, supplier: { id: 'sup-1', leadTimeDays: 2, observedLeadTimes: [1, 1, 1, 5] } }) },
    { type: 'OVERSTOCK', snapshot: snapshot({ onHand: 500 }) },
    { type: 'DEAD_STOCK', snapshot: { ...dead, demand: { ...dead.demand, daily: dead.demand.daily.map((q, i) => (i < 100 ? q : 0)) } } },
    { type: 'AGEING', snapshot: snapshot({ onHand: 200, lots: [{ qty: 50, receivedAt: at(asOf, -200) }, { qty: 150, receivedAt: at(asOf, -5) }] }) },
    { type: 'EXPIRY', snapshot: snapshot({ onHand: 200, lots: [{ qty: 100, receivedAt: at(asOf, -10), expiresAt: at(asOf, 8) }, { qty: 100, receivedAt: at(asOf, -5), expiresAt: at(asOf, 60) }] }) },
    { type: 'SUPPLY_GAP', snapshot: snapshot({ onHand: 100, openOrders: [{ qty: 80, due: at(asOf, 2) }, { qty: 60, due: at(asOf, 20) }] }) },
    { type: 'LEAD_TIME_RISK', snapshot: snapshot({ supplier: { id: 'sup-1', leadTimeDays: 5, observedLeadTimes: [8, 9, 7, 10] } }) },
  ];
}

describe('the words for what the engine really says', () => {
  for (const { type, snapshot: s } of engineFindings()) {
    it(`${type}: every sentence has its numbers, in both languages`, async () => {
      const decision = evaluatePosition(s, defaultRules);
      const finding = decision.alerts.find((a) => a.type === type);
      expect(finding, `the engine raised ${decision.alerts.map((a) => a.type).join(', ') || 'nothing'}`).toBeDefined();
      const [event] = await reconcilePosition({ sku: 'SKU-0042', locationId: 'store-north', labels: { supplier: 'sup-std' }, findings: [finding!], now: EXAMPLE_NOW },
        { store: new MemoryAlertStore(), settings: settingsFor() });
      const alert: Alert = event!.alert;
      for (const locale of ['en', 'zh-CN'] as const) {
        const ctx = { ...exampleDirectory(locale), locale, now: EXAMPLE_NOW, items: exampleItems(locale) };
        const view = describeAlert(alert, ctx);
        expect(view.sentences).not.toContain(translate(locale, 'alert.fallback'));
        const n = buildNotification({ id: 'n', kind: 'firing', receiver: exampleReceiver('store', locale), groupKey: 'g', groupLabels: { location: 'store-north' },
          firing: [alert], resolved: [], now: EXAMPLE_NOW, links: EXAMPLE_LINKS, directory: exampleDirectory(locale), items: exampleItems(locale) });
        expect(messageProblems(n.email.text), n.email.text).toEqual([]);
        expect(messageProblems(n.sms), n.sms).toEqual([]);
      }
    });
  }

  it('has example facts for every finding type the engine raises', () => {
    for (const { type } of engineFindings()) expect(Object.keys(EXAMPLE_ALERTS)).toContain(type);
  });
});
