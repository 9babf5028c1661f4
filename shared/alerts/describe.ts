// An alert in words its reader acts on: what is wrong (with units, money and dates in the reader's language and
// the location's time zone), what is on the way, and what can still help. Built from the finding's facts, never
// from field names; a fact that is missing leaves its sentence out instead of printing a placeholder.
import { translator, type Locale } from '../i18n/index.js';
import { formatDay, formatDays, formatMoney, formatNumber, formatPercent, formatProduct, formatTime, formatUnits } from '../i18n/format.js';
import type { Severity } from '../model.js';
import { isSupplierAlert, severityRank, type Alert } from './model.js';

/** Who and where things are, for names in messages (from hub.config and the synced items). */
export interface MessageDirectory {
  /** ISO 4217 code of item costs and prices (replenishment.currency). */
  currency: string;
  locations: ReadonlyMap<string, { name?: string; timeZone?: string }>;
  suppliers: ReadonlyMap<string, { name?: string }>;
  /** The console's address (alerting.consoleUrl, or `<ack-link base>/console`); messages link to its pages. */
  consoleBase?: string;
}

/** Everything wording needs for one receiver: its language, names, and when "now" is. */
export interface MessageContext extends MessageDirectory {
  locale: Locale;
  now: Date;
  /** Product names by SKU. */
  items: ReadonlyMap<string, { name?: string }>;
  /** The receiver's zone, for times not tied to one location. */
  timeZone?: string;
}

export interface AlertView {
  severity: Severity;
  /** `Out of stock: Oat milk 1 l (SKU-0042)`, with the location unless the whole message is about it. */
  title: string;
  /** What it is about: `Oat milk 1 l (SKU-0042) at North Street store`, or the supplier. */
  subject: string;
  /** `Oat milk 1 l (SKU-0042) is out of stock at North Street store`. */
  short: string;
  /** The same without the SKU when the product has a name: SMS has no room for both. */
  brief: string;
  sentences: string[];
  suggestions: string[];
  /** Money this alert puts at risk or ties up: lost sales before help can arrive, capital in excess or ageing stock. */
  valueAtRisk: number;
}

type Facts = Alert['facts'];
const num = (facts: Facts, key: string): number | undefined => {
  const v = facts?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};
const day = (facts: Facts, key: string): string | undefined => {
  const v = facts?.[key];
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
};
const text = (facts: Facts, key: string): string | undefined => {
  const v = facts?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** Transfers the evaluator attached (`transferFrom:<location>` = units coming here, `transferTo:<location>` = going out). */
export function transfers(facts: Facts, direction: 'transferFrom' | 'transferTo'): { location: string; qty: number }[] {
  return Object.entries(facts ?? {}).flatMap(([k, v]) => (k.startsWith(`${direction}:`) && typeof v === 'number' && v > 0 ? [{ location: k.slice(direction.length + 1), qty: v }] : []))
    .sort((a, b) => b.qty - a.qty || a.location.localeCompare(b.location));
}

/** The money an alert stands for, for ranking: lost sales before help arrives, capital tied up or wasted. */
export function valueAtRisk(alert: Alert): number {
  const f = alert.facts;
  switch (alert.type) {
    case 'STOCKOUT': return num(f, 'valueAtRisk') ?? num(f, 'lostSalesPerDay') ?? 0;
    case 'STOCKOUT_RISK': case 'SUPPLY_GAP': return num(f, 'valueAtRisk') ?? 0;
    case 'OVERSTOCK': case 'DEAD_STOCK': return num(f, 'capitalTiedUp') ?? 0;
    case 'AGEING': case 'EXPIRY': return num(f, 'value') ?? 0;
    case 'CONDITION': return num(f, 'valueAtRisk') ?? 0;
    default: return 0;
  }
}

/** Most severe first; within a severity, the most money at risk first; then by product for a stable order. */
export function rankAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || valueAtRisk(b) - valueAtRisk(a)
    || a.sku.localeCompare(b.sku) || a.type.localeCompare(b.type) || a.locationId.localeCompare(b.locationId));
}

export const locationName = (ctx: MessageDirectory, id: string): string => ctx.locations.get(id)?.name ?? id;
export const supplierName = (ctx: MessageDirectory, id: string): string => ctx.suppliers.get(id)?.name ?? id;
export const productName = (ctx: MessageContext, sku: string): string => formatProduct(ctx.locale, sku, ctx.items.get(sku)?.name);
/** The zone an alert's times are told in: its location's, else the receiver's, else UTC (named as such). */
export const alertTimeZone = (ctx: MessageContext, alert: Pick<Alert, 'locationId'>): string =>
  ctx.locations.get(alert.locationId)?.timeZone ?? ctx.timeZone ?? 'UTC';

export function describeAlert(alert: Alert, ctx: MessageContext, options: { omitLocation?: boolean } = {}): AlertView {
  const t = translator(ctx.locale);
  const f = alert.facts;
  const units = (n: number) => formatUnits(ctx.locale, n);
  const money = (n: number) => formatMoney(ctx.locale, n, ctx.currency);
  const date = (d: string) => formatDay(ctx.locale, d, ctx.now.toISOString().slice(0, 10));
  const dayCount = (n: number) => formatDays(ctx.locale, n);
  const supplier = alert.supplierId ?? text(f, 'supplierId') ?? alert.labels.supplier;
  const supplierLabel = supplier ? supplierName(ctx, supplier) : '';
  const supplierAlert = isSupplierAlert(alert);
  const product = supplierAlert ? supplierLabel : productName(ctx, alert.sku);
  const where = alert.locationId ? locationName(ctx, alert.locationId) : '';

  const shortKey = alert.type === 'SUPPLY_GAP' && supplierAlert ? 'alert.short.SUPPLY_GAP.supplier' : `alert.short.${alert.type}`;
  const phrase = (name: string) => {
    const what = t(shortKey, { product: name, supplier: supplierLabel || name });
    return where && !options.omitLocation && !supplierAlert ? t('alert.short.at', { what, location: where }) : what;
  };
  const short = phrase(product);
  const brief = phrase(supplierAlert ? product : ctx.items.get(alert.sku)?.name?.trim() || alert.sku);
  const subject = where && !options.omitLocation ? t('alert.short.at', { what: product, location: where }) : product;
  const title = t('msg.item.title', { severity: t(`severity.${alert.severity}`), type: t(`alert.type.${alert.type}`), subject });

  const sentences: string[] = [];
  const suggestions: string[] = [];
  const say = (key: string, values: Record<string, string | number>) => sentences.push(t(key, values));
  const suggest = (key: string, values: Record<string, string | number> = {}) => suggestions.push(t(key, values));

  const nextInbound = day(f, 'nextInbound');
  const nextQty = num(f, 'nextInboundQty');
  const nextSupplier = text(f, 'nextInboundSupplier');
  const orderArrives = day(f, 'orderArrives');
  const inboundSentence = () => {
    if (nextInbound && nextQty !== undefined) {
      say(nextSupplier ? 'alert.inbound.nextFrom' : 'alert.inbound.next', { units: units(nextQty), date: date(nextInbound), supplier: nextSupplier ? supplierName(ctx, nextSupplier) : '' });
    } else if (text(f, 'nextInbound') === 'none') {
      say('alert.inbound.none', {});
    }
  };
  const arrivalSentence = (short: number | undefined) => {
    if (!orderArrives) return;
    if (short !== undefined && short >= 1) say('alert.arrival.short', { date: date(orderArrives), units: units(Math.ceil(short)) });
    else say('alert.arrival.only', { date: date(orderArrives) });
  };
  // What helps before an order can land: named transfers first, then bringing forward what is on the way (only when
  // something is), then an urgent order.
  const helpBeforeArrival = () => {
    for (const tr of transfers(f, 'transferFrom')) suggest('alert.do.transferIn', { units: units(tr.qty), location: locationName(ctx, tr.location) });
    if (nextInbound && nextQty !== undefined) {
      suggest('alert.do.expedite', { supplier: supplierName(ctx, nextSupplier ?? alert.labels.supplier ?? supplier ?? ''), units: units(nextQty), date: date(nextInbound) });
    }
    if (orderArrives) suggest('alert.do.urgentOrder', { date: date(orderArrives) });
  };

  switch (alert.type) {
    case 'STOCKOUT': {
      const onHand = num(f, 'onHand');
      const reserved = num(f, 'reserved') ?? 0;
      if (onHand !== undefined && onHand < 0) say('alert.stockout.oversold', { units: units(-onHand) });
      else if (onHand !== undefined && onHand > 0 && reserved > 0) say('alert.stockout.reserved', { onHand: units(onHand) });
      else say('alert.stockout.empty', {});
      const rate = num(f, 'forecastDaily');
      const lost = num(f, 'lostSalesPerDay');
      if (rate !== undefined && rate > 0 && lost !== undefined) say('alert.stockout.lost', { rate: units(rate), money: money(lost) });
      inboundSentence();
      arrivalSentence(num(f, 'shortUntilOrderArrives'));
      helpBeforeArrival();
      break;
    }
    case 'STOCKOUT_RISK': {
      const p = num(f, 'stockoutProbability');
      if (p !== undefined) say('alert.risk.chance', { percent: formatPercent(ctx.locale, p) });
      const available = num(f, 'available');
      const cover = num(f, 'daysOfCover');
      if (available !== undefined && cover !== undefined && alert.projectedStockout) {
        say('alert.risk.cover', { units: units(available), days: dayCount(cover), date: date(alert.projectedStockout) });
      }
      inboundSentence();
      arrivalSentence(num(f, 'expectedShortUnits'));
      const value = num(f, 'valueAtRisk');
      if (value !== undefined && value > 0) say('alert.risk.value', { money: money(value) });
      helpBeforeArrival();
      break;
    }
    case 'LOW_STOCK': {
      const available = num(f, 'available');
      const safety = num(f, 'safetyStock');
      const inbound = num(f, 'inboundUnits') ?? Math.max(0, (num(f, 'inventoryPosition') ?? 0) - (available ?? 0));
      if (available !== undefined && safety !== undefined) say(inbound > 0 ? 'alert.low.state' : 'alert.low.state.none', { available: units(available), safety: units(safety), inbound: units(inbound) });
      const cover = num(f, 'daysOfCover');
      if (cover !== undefined) say('alert.low.cover', { days: dayCount(cover) });
      const order = num(f, 'suggestedOrderQty');
      if (order !== undefined && orderArrives) suggest('alert.do.orderNow', { units: units(order), date: date(orderArrives) });
      else suggest('alert.do.reviewSettings');
      break;
    }
    case 'OVERSTOCK': {
      const stock = num(f, 'stockAndInbound');
      const excess = num(f, 'excessUnits');
      if (stock !== undefined && excess !== undefined) say('alert.over.state', { stock: units(stock), excess: units(excess) });
      const capital = num(f, 'capitalTiedUp');
      if (capital !== undefined) say('alert.over.capital', { money: money(capital) });
      const cover = num(f, 'daysOfCover');
      if (cover !== undefined) say('alert.over.cover', { days: dayCount(cover) });
      for (const tr of transfers(f, 'transferTo')) suggest('alert.do.transferOut', { units: units(tr.qty), location: locationName(ctx, tr.location) });
      const inbound = num(f, 'inboundUnits');
      if (inbound !== undefined && inbound > 0) suggest('alert.do.cancelInbound', { units: units(inbound) });
      else suggest('alert.do.stopReordering');
      break;
    }
    case 'DEAD_STOCK': {
      const onHand = num(f, 'onHand');
      const idle = num(f, 'daysWithoutDemand');
      const capital = num(f, 'capitalTiedUp');
      if (onHand !== undefined && idle !== undefined && capital !== undefined) say('alert.dead.state', { onHand: units(onHand), days: dayCount(idle), money: money(capital) });
      for (const tr of transfers(f, 'transferTo')) suggest('alert.do.transferOut', { units: units(tr.qty), location: locationName(ctx, tr.location) });
      suggest('alert.do.dead');
      break;
    }
    case 'AGEING': {
      const aged = num(f, 'agedUnits');
      const limit = num(f, 'ageingDays');
      const oldest = num(f, 'oldestLotDays');
      const value = num(f, 'value');
      if (aged !== undefined && limit !== undefined && oldest !== undefined && value !== undefined) {
        say('alert.ageing.state', { units: units(aged), days: dayCount(limit), oldest: dayCount(oldest), money: money(value) });
      }
      suggest('alert.do.ageing');
      break;
    }
    case 'EXPIRY': {
      const expiring = num(f, 'expiringUnits');
      const first = day(f, 'firstExpiry');
      const value = num(f, 'value');
      if (expiring !== undefined && first && value !== undefined) say('alert.expiry.state', { units: units(expiring), date: date(first), money: money(value) });
      suggest('alert.do.expiry');
      break;
    }
    case 'SUPPLY_GAP': {
      if (supplierAlert || text(f, 'requestKey')) {
        const reason = text(f, 'reason');
        const lines = num(f, 'lines') ?? 0;
        const moved = num(f, 'units');
        const backup = text(f, 'backupSupplierId');
        if (moved !== undefined && reason) {
          const key = reason === 'rejected' ? 'alert.supgap.rejected' : reason === 'short' ? 'alert.supgap.short' : 'alert.supgap.sla';
          say(key, { supplier: supplierLabel, units: units(moved), lines, location: where || t('msg.where.all') });
        }
        say(backup ? 'alert.supgap.backup' : 'alert.supgap.noBackup', { backup: backup ? supplierName(ctx, backup) : '' });
        const ref = text(f, 'requestKey');
        if (ref) say('alert.supgap.order', { ref });
        if (backup) suggest('alert.do.checkBackup', { backup: supplierName(ctx, backup) });
        else suggest('alert.do.sourceElsewhere', { supplier: supplierLabel });
      } else {
        const orders = num(f, 'openOrders');
        const available = num(f, 'available');
        const inbound = num(f, 'inbound');
        const horizon = num(f, 'horizonDays');
        if (orders !== undefined && available !== undefined && inbound !== undefined && horizon !== undefined) {
          say('alert.gap.state', { orders: units(orders), available: units(available), inbound: units(inbound), days: dayCount(horizon) });
        }
        const first = day(f, 'firstShortDay');
        const gap = num(f, 'gapUnits');
        if (first && gap !== undefined) say('alert.gap.first', { date: date(first), units: units(gap) });
        for (const tr of transfers(f, 'transferFrom')) suggest('alert.do.transferIn', { units: units(tr.qty), location: locationName(ctx, tr.location) });
        suggest('alert.do.gap');
      }
      break;
    }
    case 'LEAD_TIME_RISK': {
      const quoted = num(f, 'quotedLeadTimeDays');
      const median = num(f, 'medianObservedDays');
      const receipts = num(f, 'receipts');
      const late = num(f, 'lateReceipts');
      if (quoted !== undefined && median !== undefined && receipts !== undefined && late !== undefined) {
        say('alert.lead.state', { supplier: supplierLabel, quoted: dayCount(quoted), median: dayCount(median), receipts, late });
        say('alert.lead.effect', { supplier: supplierLabel });
      }
      suggest('alert.do.leadTime', { supplier: supplierLabel });
      break;
    }
    case 'CONDITION': {
      const metric = text(f, 'metric');
      const sensor = text(f, 'sensor');
      const since = text(f, 'outSince');
      const peak = num(f, 'peak');
      const max = num(f, 'max');
      const min = num(f, 'min');
      const above = max !== undefined && peak !== undefined && peak > max;
      const limit = above ? max : min;
      const measure = (n: number) => `${formatNumber(ctx.locale, n, 1)}${text(f, 'unit') ? ` ${text(f, 'unit')}` : ''}`;
      if (metric && sensor && since && peak !== undefined && limit !== undefined) {
        say('alert.condition.state', {
          metric: t(`push.metric.${metric}`), sensor, direction: above ? 'above' : 'below', limit: measure(limit), peak: measure(peak),
          since: formatTime(ctx.locale, since, alertTimeZone(ctx, alert), ctx.now.toISOString().slice(0, 10)),
        });
      }
      const lots = num(f, 'lotsAtRisk');
      const atRisk = num(f, 'unitsAtRisk');
      const value = num(f, 'valueAtRisk');
      if (lots !== undefined && atRisk !== undefined && value !== undefined) say('alert.condition.lots', { lots, units: units(atRisk), money: money(value) });
      suggest('alert.do.condition', { location: where });
      break;
    }
  }
  if (sentences.length === 0) sentences.push(t('alert.fallback'));
  return { severity: alert.severity, title, subject, short, brief, sentences, suggestions, valueAtRisk: valueAtRisk(alert) };
}
