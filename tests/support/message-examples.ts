// Every kind of message, rendered in English and Chinese from realistic alerts, approval tasks and orders: the files
// under docs/examples/ (regenerate: `npm run examples`), and what tests check for raw field names, NaN and the like.
import { fingerprint, supplierFingerprint, type Alert } from '../../shared/alerts/model.js';
import { buildApprovalNotification, buildNotification, smsSegments, type LinkSettings, type MessageDirectory, type Notification } from '../../shared/alerts/index.js';
import { CHAT_TOOLS, chatMessage } from '../../shared/alerts/chat.js';
import type { Receiver } from '../../shared/config.js';
import type { Locale } from '../../shared/i18n/index.js';
import type { AlertType, Severity } from '../../shared/model.js';
import type { ApprovalTask } from '../../shared/replenishment/approval.js';

export const EXAMPLE_NOW = new Date('2026-05-04T07:30:00Z');
export const EXAMPLE_LINKS: LinkSettings = { baseUrl: 'https://hub.example-retail.com', secret: 'example-link-secret', ttlMs: 7 * 86_400_000 };

interface Names { locations: Record<string, string>; suppliers: Record<string, string>; products: Record<string, string>; timeZone: string; currency: string }

/** The same shop, as an English and a Chinese retailer would have named it in hub.config and their item master. */
const NAMES: Record<Locale, Names> = {
  en: {
    timeZone: 'Europe/Berlin', currency: 'EUR',
    locations: { 'store-north': 'North Street store', 'store-south': 'South Mall store', 'store-east': 'East Station store', web: 'Web shop' },
    suppliers: { 'sup-std': 'Standard Goods Co', 'sup-slow': 'Overseas Imports', 'sup-fast': 'Quick Wholesale' },
    products: {
      'SKU-0042': 'Oat milk 1 l', 'SKU-0107': 'Espresso beans 1 kg', 'SKU-0015': 'Dish soap 500 ml', 'SKU-0120': 'USB-C charger 30 W',
      'SKU-0188': 'Board game "Harbour"', 'SKU-0063': 'Scented candle, cedar', 'SKU-0031': 'Greek yoghurt 500 g', 'SKU-0151': 'Garden chair, teak',
      'SKU-0077': 'Crème fraîche 200 g', 'SKU-0099': 'AA batteries, 8 pack', 'SKU-0133': 'Tea towel, linen', 'SKU-0145': 'Glass jar 1 l',
    },
  },
  'zh-CN': {
    timeZone: 'Asia/Shanghai', currency: 'CNY',
    locations: { 'store-north': '北街门店', 'store-south': '南区商场店', 'store-east': '东站门店', web: '网店' },
    suppliers: { 'sup-std': '标准商贸', 'sup-slow': '远洋进口', 'sup-fast': '快捷批发' },
    products: {
      'SKU-0042': '燕麦奶 1 升', 'SKU-0107': '意式咖啡豆 1 千克', 'SKU-0015': '洗洁精 500 毫升', 'SKU-0120': 'USB-C 充电器 30 瓦',
      'SKU-0188': '桌游《港湾》', 'SKU-0063': '香薰蜡烛（雪松）', 'SKU-0031': '希腊酸奶 500 克', 'SKU-0151': '柚木花园椅',
      'SKU-0077': '法式酸奶油 200 克', 'SKU-0099': '5 号电池 8 节装', 'SKU-0133': '亚麻茶巾', 'SKU-0145': '玻璃储物罐 1 升',
    },
  },
};

export function exampleDirectory(locale: Locale): MessageDirectory {
  const names = NAMES[locale];
  return {
    currency: names.currency,
    locations: new Map(Object.entries(names.locations).map(([id, name]) => [id, { name, timeZone: names.timeZone }])),
    suppliers: new Map(Object.entries(names.suppliers).map(([id, name]) => [id, { name }])),
    consoleBase: `${EXAMPLE_LINKS.baseUrl}/console`,
  };
}

export const exampleItems = (locale: Locale): ReadonlyMap<string, { name?: string }> =>
  new Map(Object.entries(NAMES[locale].products).map(([sku, name]) => [sku, { name }]));

export const exampleReceiver = (name: string, locale: Locale): Receiver =>
  ({ name, locale, timeZone: NAMES[locale].timeZone, emails: [`${name}@example-retail.com`], phones: ['+4915100000001'], webhooks: [], suppliers: [], chats: [] });

const at = (minutesBefore: number) => new Date(EXAMPLE_NOW.getTime() - minutesBefore * 60_000).toISOString();

function alert(type: AlertType, severity: Severity, sku: string, locationId: string, facts: Record<string, number | string>, extra: Partial<Alert> = {}): Alert {
  const supplier = extra.supplierId;
  return {
    fingerprint: supplier && !sku ? supplierFingerprint(type, supplier) : fingerprint(type, sku, locationId), alertId: `${type}-${sku || supplier}-${locationId}`,
    type, severity, state: 'open', sku, locationId,
    labels: { type, severity, ...(sku ? { sku } : {}), ...(locationId ? { location: locationId } : {}), ...(supplier ? { supplier } : {}) },
    message: `${type} (engine message, not shown to people)`, facts,
    openedAt: at(42), updatedAt: at(5), escalationStep: 0, reopenCount: 0, version: 1, ...extra,
  };
}

/** One alert of every finding type, with the facts the engine gives (shared/engine/policy.ts) and the transfers the evaluator adds. */
export const EXAMPLE_ALERTS: Record<string, Alert> = {
  STOCKOUT: alert('STOCKOUT', 'critical', 'SKU-0042', 'store-north', {
    available: 0, onHand: 2, reserved: 2, forecastDaily: 5.8, lostSalesPerDay: 14.44, nextInbound: '2026-05-08', nextInboundQty: 48, nextInboundSupplier: 'sup-std',
    orderArrives: '2026-05-11', shortUntilOrderArrives: 23, valueAtRisk: 57.27, 'transferFrom:store-south': 24,
  }, { projectedStockout: '2026-05-04', labels: { type: 'STOCKOUT', severity: 'critical', sku: 'SKU-0042', location: 'store-north', supplier: 'sup-std' } }),
  STOCKOUT_RISK: alert('STOCKOUT_RISK', 'warning', 'SKU-0107', 'store-north', {
    stockoutProbability: 0.62, available: 14, daysOfCover: 2.59, daysToStockout: 3, expectedShortUnits: 15.71, coverUnits: 22, valueAtRisk: 86.24,
    leadTimeDays: 21, nextInbound: 'none', safetyStock: 9.3, orderArrives: '2026-05-25', forecastDaily: 5.4, 'transferFrom:store-east': 22,
  }, { projectedStockout: '2026-05-07', labels: { type: 'STOCKOUT_RISK', severity: 'warning', sku: 'SKU-0107', location: 'store-north', supplier: 'sup-slow' } }),
  LOW_STOCK: alert('LOW_STOCK', 'warning', 'SKU-0015', 'store-north', {
    available: 9, safetyStock: 14.2, inventoryPosition: 9, reorderPoint: 31.5, daysOfCover: 3.1, inboundUnits: 0, orderArrives: '2026-05-07', suggestedOrderQty: 36,
  }),
  OVERSTOCK: alert('OVERSTOCK', 'info', 'SKU-0120', 'store-north', {
    stockAndInbound: 120, orderUpTo: 18.8, excessUnits: 101.2, capitalTiedUp: 2354.8, daysOfCover: 55.2, inboundUnits: 0, 'transferTo:store-east': 30,
  }),
  DEAD_STOCK: alert('DEAD_STOCK', 'info', 'SKU-0188', 'store-north', { onHand: 14, daysWithoutDemand: 97, capitalTiedUp: 251.3 }),
  AGEING: alert('AGEING', 'info', 'SKU-0063', 'store-north', { agedUnits: 40, oldestLotDays: 260, ageingDays: 180, value: 188 }),
  EXPIRY: alert('EXPIRY', 'critical', 'SKU-0031', 'store-north', { expiringUnits: 18, firstExpiry: '2026-05-09', daysToExpiry: 5, value: 21.42 }),
  SUPPLY_GAP: alert('SUPPLY_GAP', 'critical', 'SKU-0151', 'web', {
    openOrders: 60, available: 12, inbound: 24, gapUnits: 24, firstShortDay: '2026-05-11', horizonDays: 60, valueAtRisk: 1199.76,
  }),
  'SUPPLY_GAP-supplier': alert('SUPPLY_GAP', 'critical', '', 'store-north', {
    supplierId: 'sup-slow', locationId: 'store-north', requestKey: 'sup-slow|store-north|2026-05-04', units: 120, lines: 2, reason: 'rejected',
  }, { supplierId: 'sup-slow' }),
  LEAD_TIME_RISK: alert('LEAD_TIME_RISK', 'warning', '', '', {
    quotedLeadTimeDays: 21, medianObservedDays: 26, meanObservedDays: 26.4, lateReceipts: 6, receipts: 8,
  }, { supplierId: 'sup-slow' }),
  // The facts shared/push/conditions.ts gives a breached storage range.
  CONDITION: alert('CONDITION', 'critical', 'SKU-0031', 'store-north', {
    rule: 'chilled', sensor: 'fridge-2', metric: 'temperature', unit: '°C', peak: 11.4, min: 2, max: 8, outSince: '2026-05-04T07:31:00.000Z',
    lotsAtRisk: 2, unitsAtRisk: 40, valueAtRisk: 47.6, lotIds: 'L-2291, L-2304',
  }),
};

/** A store's morning: twelve alerts, in no particular order, as a grouped message gets them. */
export function exampleGroup(): Alert[] {
  const a = EXAMPLE_ALERTS;
  const more = (type: AlertType, severity: Severity, sku: string, facts: Record<string, number | string>) => alert(type, severity, sku, 'store-north', facts);
  return [
    a.OVERSTOCK!, a.LOW_STOCK!, a.STOCKOUT_RISK!, a.DEAD_STOCK!, a.STOCKOUT!, a.EXPIRY!, a.AGEING!,
    more('LOW_STOCK', 'info', 'SKU-0099', { available: 11, safetyStock: 13, inventoryPosition: 11, reorderPoint: 28, daysOfCover: 4.2, inboundUnits: 0, orderArrives: '2026-05-11', suggestedOrderQty: 24 }),
    more('STOCKOUT', 'critical', 'SKU-0077', { available: 0, onHand: 0, reserved: 0, forecastDaily: 3.1, lostSalesPerDay: 6.2, nextInbound: 'none', orderArrives: '2026-05-07', shortUntilOrderArrives: 10, valueAtRisk: 20 }),
    more('OVERSTOCK', 'info', 'SKU-0133', { stockAndInbound: 64, orderUpTo: 12, excessUnits: 52, capitalTiedUp: 236.6, daysOfCover: 80, inboundUnits: 24 }),
    more('OVERSTOCK', 'info', 'SKU-0145', { stockAndInbound: 90, orderUpTo: 20, excessUnits: 70, capitalTiedUp: 119, daysOfCover: 63 }),
    more('DEAD_STOCK', 'info', 'SKU-0099', { onHand: 6, daysWithoutDemand: 120, capitalTiedUp: 31.2 }),
  ];
}

export const EXAMPLE_TASK: ApprovalTask = {
  idempotencyKey: 'sup-slow|store-north|2026-05-04', revision: 4, supplierId: 'sup-slow', locationId: 'store-north', total: 5518.52, currency: 'EUR',
  reason: 'total 5518.52 is not below the auto-approve limit 5000 for supplier sup-slow', rule: { kind: 'total', amount: 5518.52, limit: 5000 },
  lines: [
    { sku: 'SKU-0107', qty: 120, needBy: '2026-05-25', shortBeforeArrival: 96, amount: 2294.4, category: 'grocery' },
    { sku: 'SKU-0188', qty: 24, needBy: '2026-05-25', amount: 450.72, category: 'toys' },
    { sku: 'SKU-0151', qty: 48, needBy: '2026-05-26', amount: 2773.4, category: 'household' },
  ],
  labels: { supplier: 'sup-slow', location: 'store-north', category: ['grocery', 'household', 'toys'] },
  requestedAt: EXAMPLE_NOW.toISOString(),
};

/** The same request at revision 6: one line added, one grown: a material change the buyer is told about. */
export const EXAMPLE_TASK_CHANGED: ApprovalTask = {
  ...EXAMPLE_TASK, revision: 6, total: 9176.32,
  reason: 'total 9176.32 is not below the auto-approve limit 5000 for supplier sup-slow', rule: { kind: 'total', amount: 9176.32, limit: 5000 },
  lines: [
    { sku: 'SKU-0107', qty: 180, needBy: '2026-05-25', shortBeforeArrival: 96, amount: 3441.6, category: 'grocery' },
    { sku: 'SKU-0188', qty: 24, needBy: '2026-05-25', amount: 450.72, category: 'toys' },
    { sku: 'SKU-0151', qty: 48, needBy: '2026-05-26', amount: 2773.4, category: 'household' },
    { sku: 'SKU-0120', qty: 108, needBy: '2026-05-25', amount: 2510.6, category: 'electronics' },
  ],
};

export interface RenderedExample { name: string; notification: Notification; locale: Locale; title: string }

/** Every kind of notification in one language (the chat tools and the supplier order add theirs in their modules). */
export function renderExamples(locale: Locale): RenderedExample[] {
  const directory = exampleDirectory(locale);
  const items = exampleItems(locale);
  const store = exampleReceiver('store-north-manager', locale);
  const buyers = exampleReceiver('buyers', locale);
  const out: RenderedExample[] = [];
  const base = { now: EXAMPLE_NOW, links: EXAMPLE_LINKS, directory, items };
  for (const [name, a] of Object.entries(EXAMPLE_ALERTS)) {
    const supplierGroup = a.sku === '';
    const groupLabels: Record<string, string> = supplierGroup ? { supplier: a.supplierId! } : { location: a.locationId };
    out.push({ name: `alert-${name}`, locale, title: `one ${name} alert`, notification: buildNotification({
      ...base, id: `example-${name}`, kind: 'firing', receiver: supplierGroup ? buyers : store, groupKey: `root/${JSON.stringify(groupLabels)}`, groupLabels, firing: [a], resolved: [],
    }) });
  }
  out.push({ name: 'grouped', locale, title: 'twelve alerts at one store, ranked, five in full', notification: buildNotification({
    ...base, id: '5f3a9c1d2e4b6a7f8091a2b3', kind: 'firing', receiver: store, groupKey: 'root/store-north', groupLabels: { location: 'store-north' },
    firing: exampleGroup(), resolved: [], linkSetId: '5f3a9c1d2e4b6a7f',
  }) });
  out.push({ name: 'escalation', locale, title: 'an unacknowledged stockout escalated to the regional manager', notification: buildNotification({
    ...base, id: 'example-escalation', kind: 'escalation', receiver: exampleReceiver('regional-manager', locale), groupKey: 'escalation', groupLabels: { location: 'store-north' },
    firing: [{ ...EXAMPLE_ALERTS.STOCKOUT!, state: 'escalated', escalationStep: 1 }], resolved: [],
  }) });
  out.push({ name: 'resolved', locale, title: 'alerts that cleared', notification: buildNotification({
    ...base, id: 'example-resolved', kind: 'resolved', receiver: store, groupKey: 'root/store-north', groupLabels: { location: 'store-north' }, firing: [],
    resolved: [EXAMPLE_ALERTS.STOCKOUT!, EXAMPLE_ALERTS.LOW_STOCK!].map((a) => ({ ...a, state: 'resolved' as const, resolution: 'cleared' as const, resolvedAt: at(-20) })),
  }) });
  out.push({ name: 'approval', locale, title: "a buyer's first message about a request", notification: buildApprovalNotification({
    ...base, id: 'example-approval', receiver: buyers, groupKey: 'root/buyers', groupLabels: { supplier: 'sup-slow' }, task: { ...EXAMPLE_TASK, currency: directory.currency }, smsLinkSetId: '9a0b1c2d3e4f5a6b',
  }) });
  out.push({ name: 'approval-changed', locale, title: 'the same request after a material change: what changed since the version this buyer saw', notification: buildApprovalNotification({
    ...base, now: new Date(EXAMPLE_NOW.getTime() + 3 * 3_600_000), id: 'example-approval-changed', receiver: buyers, groupKey: 'root/buyers', groupLabels: { supplier: 'sup-slow' },
    task: { ...EXAMPLE_TASK_CHANGED, currency: directory.currency }, smsLinkSetId: '7c8d9e0f1a2b3c4d',
    seen: { requestKey: EXAMPLE_TASK.idempotencyKey, receiver: 'buyers', revision: 4, total: EXAMPLE_TASK.total, lines: EXAMPLE_TASK.lines.map((l) => ({ sku: l.sku, qty: l.qty, amount: l.amount })), sentAt: EXAMPLE_NOW.toISOString() },
  }) });
  return out;
}

/** The text of one example file: the email as its reader sees it, then the SMS with its length. */
export function exampleFile(example: RenderedExample): string {
  const { notification: n } = example;
  const sms = smsSegments(n.sms);
  return [
    `Example: ${example.title} (${example.locale})`,
    '',
    '=== Email ===',
    `Subject: ${n.email.subject}`,
    '',
    n.email.text,
    '',
    `=== SMS (${sms.units} ${sms.encoding === 'GSM-7' ? 'GSM-7 characters' : 'UCS-2 characters'}, ${sms.segments} segment${sms.segments === 1 ? '' : 's'}) ===`,
    n.sms,
    '',
    '=== Webhook "text" ===',
    String(n.json.text),
    '',
  ].join('\n');
}

/** Every file under docs/examples/, by path relative to it: one per example and language, and the index. */
export function exampleFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const index = [
    '# Messages, as their readers get them',
    '',
    'Rendered by the hub from realistic alerts, approval requests and orders, in English and Chinese (the receiver\'s',
    '`locale`). The English shop is in Berlin and counts in euros, the Chinese one in Shanghai and counts in yuan.',
    'Regenerate with `npm run examples`; a test fails when these files differ from what the hub renders now.',
    '',
    '| message | English | 中文 |',
    '|---|---|---|',
  ];
  const byName = new Map<string, RenderedExample[]>();
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const example of renderExamples(locale)) {
      files.set(`${locale}/${example.name}.txt`, exampleFile(example));
      byName.set(example.name, [...(byName.get(example.name) ?? []), example]);
    }
  }
  for (const [name, [en]] of byName) index.push(`| ${en!.title} | [${name}](en/${name}.txt) | [${name}](zh-CN/${name}.txt) |`);
  // The group of twelve as each chat tool receives it (the JSON body POSTed to the robot, before signing).
  for (const [locale, examples] of [['en', byName.get('grouped')?.[0]], ['zh-CN', byName.get('grouped')?.[1]]] as const) {
    for (const tool of CHAT_TOOLS) files.set(`${locale}/chat-${tool}.json`, `${JSON.stringify(chatMessage(tool, examples!.notification.doc, locale), null, 2)}\n`);
  }
  index.push(`| the twelve alerts as each chat tool receives them | ${CHAT_TOOLS.map((t) => `[${t}](en/chat-${t}.json)`).join(' ')} | ${CHAT_TOOLS.map((t) => `[${t}](zh-CN/chat-${t}.json)`).join(' ')} |`);
  files.set('README.md', `${index.join('\n')}\n`);
  return files;
}
