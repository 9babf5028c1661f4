// evaluatePosition: forecast, safety stock, reorder point, projection and the exception findings of one position.
import type { RuleDefaults } from '../config.js';
import type { Severity } from '../model.js';
import * as calendar from './calendar.js';
import * as tuning from './constants.js';
import { estimateDemand, type DemandModel } from './demand.js';
import { readReceipts, type LeadTimeSample } from './lead-time.js';
import type { Decision, Finding, PositionSnapshot, ReplenishSuggestion } from './snapshot.js';
import { countQuantile, normalCdf, normalQuantile } from './stats.js';

/** Every number a decision uses, for `stocksentry explain` and for people who ask "why?". */
export interface DecisionExplain {
  asOf: string;
  serviceLevel: number;
  serviceLevelSource: 'override' | 'item' | 'abcClass' | 'default';
  z: number;
  demandModel: DemandModel;
  level: number;
  trendPerDay: number;
  weeklyFactors: number[] | null;
  demandSdDaily: number;
  demandProbability: number;
  demandSize: number;
  historyDaysUsed: number;
  censoredDays: number;
  eventDays: number;
  daysSinceLastDemand: number | null;
  quotedLeadTimeDays: number;
  leadTimeDays: number;
  leadTimeSdDays: number;
  leadTimeObservations: number;
  supplierLatenessDays: number;
  reviewPeriodDays: number;
  horizonDays: number;
  leadTimeDemand: number;
  reviewPeriodDemand: number;
  safetyStockMethod: 'normal' | 'count-distribution' | 'override';
  onHand: number;
  reserved: number;
  available: number;
  inboundTotal: number;
  openOrdersTotal: number;
  inventoryPosition: number;
  minQty: number | null;
  maxQty: number | null;
  packSize: number;
  moq: number;
  rawOrderQty: number;
  projectedAtLeadTime: number;
  projectedAtHorizon: number;
  /**
   * Projected available stock at the end of each horizon day (inbound at realistic ETA, open orders and forecast out);
   * only filled when asked for (EvaluateOptions.projection), empty otherwise.
   */
  projection: number[];
}

export interface EngineDecision extends Decision {
  orderUpTo: number;
  daysOfCover: number | null;
  projectedStockout: string | null;
  demandModel: DemandModel;
  available: number;
  inventoryPosition: number;
  leadTimeDays: number;
  unitCost: number;
  explain: DecisionExplain;
}

// Module-local copies: the hot path must not go through live import bindings (slow under some loaders).
const { dayNumber, isoDay } = calendar;
const { CRITICAL_DAYS, EXPIRY_CRITICAL_DAYS, EXPIRY_WARNING_DAYS, HIGH_VALUE_AT_RISK, LATENESS_MIN_T, LEAD_TIME_BANDWIDTH_MIN_DAYS, MIN_LEAD_TIME_OBSERVATIONS } = tuning;

// Scratch buffers: one position is evaluated at a time and nothing here escapes the call.
let forecast = new Float64Array(512);
let arrivals = new Float64Array(512);
let dues = new Float64Array(512);
let projection = new Float64Array(512);
let survival = new Float64Array(512);

const round2 = (x: number): number => Math.round(x * 100) / 100;
const fmt = (x: number): string => String(Math.round(x * 10) / 10);

function matchOverride(rules: RuleDefaults, sku: string, location: string): RuleDefaults['overrides'][number] | undefined {
  let best: RuleDefaults['overrides'][number] | undefined;
  let bestScore = 0;
  for (const o of rules.overrides) {
    if ((o.sku !== undefined && o.sku !== sku) || (o.location !== undefined && o.location !== location)) continue;
    // Most specific wins (sku+location over sku over location); among equals the later one.
    const score = (o.sku !== undefined ? 2 : 0) + (o.location !== undefined ? 1 : 0) + 1;
    if (score >= bestScore) { best = o; bestScore = score; }
  }
  return best;
}

export interface EvaluateOptions {
  /** Include the day-by-day projection in `explain.projection` (costs an array per position). */
  projection?: boolean;
}

/** Pure and deterministic: the decision depends only on the snapshot and the rule defaults. */
export function evaluatePosition(s: PositionSnapshot, rules: RuleDefaults, options?: EvaluateOptions): EngineDecision {
  const asOf = dayNumber(s.asOf);
  const item = s.item;
  const override = matchOverride(rules, s.sku, s.location);

  let serviceLevel = rules.serviceLevel;
  let serviceLevelSource: DecisionExplain['serviceLevelSource'] = 'default';
  const byAbc = item.abcClass !== undefined ? rules.serviceLevelByAbc[item.abcClass] : undefined;
  if (override?.serviceLevel !== undefined) { serviceLevel = override.serviceLevel; serviceLevelSource = 'override'; }
  else if (item.serviceLevel !== undefined) { serviceLevel = item.serviceLevel; serviceLevelSource = 'item'; }
  else if (byAbc !== undefined) { serviceLevel = byAbc; serviceLevelSource = 'abcClass'; }
  const z = normalQuantile(serviceLevel);

  // Lead time: observed receipts beat the quote once there are enough of them.
  const quoted = s.supplier.leadTimeDays;
  const observed = readReceipts(s.supplier.observedLeadTimes ?? []);
  const receipts = observed.n;
  let leadTime = quoted;
  let leadTimeSd = 0;
  let lateness = 0;
  const observedMedian = observed.median;
  let lateCount = 0;
  if (receipts > 0) {
    for (let j = 0; j < observed.distinct; j++) if ((observed.value[j] as number) > quoted * rules.leadTimeRiskRatio) lateCount += observed.count[j] as number;
    if (receipts >= MIN_LEAD_TIME_OBSERVATIONS) {
      leadTime = observed.mean;
      leadTimeSd = observed.sd;
      // Signed: an early supplier's ETAs move earlier too, so the projection matches the lead time used for the reorder point.
      lateness = observedMedian - quoted;
    } else {
      // Too few receipts to trust: keep the quote unless they were all slower.
      leadTime = Math.max(quoted, observed.mean);
      lateness = Math.max(0, observed.mean - quoted);
    }
  }
  const review = rules.reviewPeriodDays;
  const horizon = rules.horizonDays;
  const days = Math.max(horizon, Math.ceil(leadTime + review) + 1);
  if (forecast.length < days + 1) {
    const n = (days + 1) * 2;
    forecast = new Float64Array(n); arrivals = new Float64Array(n); dues = new Float64Array(n); projection = new Float64Array(n); survival = new Float64Array(n);
  }
  const est = estimateDemand(s, rules.historyDays, asOf, forecast, days);

  const leadTimeDemand = cumulative(forecast, leadTime);
  const reviewDemand = cumulative(forecast, leadTime + review) - leadTimeDemand;
  const forecastDaily = leadTime > 0 ? leadTimeDemand / leadTime : est.level;

  let safetyStock: number;
  let safetyStockMethod: DecisionExplain['safetyStockMethod'] = 'normal';
  if (est.model === 'intermittent') {
    const variance = leadTime * est.sdDaily * est.sdDaily + forecastDaily * forecastDaily * leadTimeSd * leadTimeSd;
    safetyStock = Math.max(0, countQuantile(leadTimeDemand, variance, serviceLevel) - leadTimeDemand);
    safetyStockMethod = 'count-distribution';
  } else {
    // Counts are at least Poisson-variable: the floor keeps slow movers from getting a zero buffer.
    const sdDaily = Math.max(est.sdDaily, Math.sqrt(forecastDaily));
    safetyStock = Math.max(0, z * Math.sqrt(leadTime * sdDaily * sdDaily + forecastDaily * forecastDaily * leadTimeSd * leadTimeSd));
  }
  let reorderPoint = leadTimeDemand + safetyStock;
  let orderUpTo = reorderPoint + reviewDemand;
  const minQty = override?.minQty ?? item.minQty ?? null;
  const maxQty = override?.maxQty ?? item.maxQty ?? null;
  if (minQty !== null) { reorderPoint = minQty; orderUpTo = Math.max(orderUpTo, minQty); safetyStockMethod = 'override'; }
  if (maxQty !== null) { orderUpTo = Math.max(maxQty, minQty ?? 0); reorderPoint = Math.min(reorderPoint, orderUpTo); }

  // Quantities today and on the way.
  const reserved = s.reserved ?? 0;
  const available = s.onHand - reserved;
  arrivals.fill(0, 0, days + 1);
  dues.fill(0, 0, days + 1);
  let inboundTotal = 0;
  let nextInbound = Infinity;
  // The day an order placed today arrives, rounded like inbound ETAs; a shortfall before it is beyond routine reordering.
  const orderArrivesK = Math.max(1, Math.round(leadTime));
  let openOrdersTotal = 0;
  if (s.openOrders) for (const o of s.openOrders) {
    const k = Math.max(1, dayNumber(o.due) - asOf);
    openOrdersTotal += o.qty;
    if (k <= days) dues[k] = (dues[k] as number) + o.qty;
  }
  const sdRisk = Math.max(est.sdDaily, est.model === 'intermittent' ? 0 : Math.sqrt(forecastDaily));
  // Stock far above demand and customer orders until an order placed today lands: no stockout chance worth weighing.
  let demandBeforeOrder = 0;
  for (let k = 1; k < orderArrivesK; k++) demandBeforeOrder += (forecast[k] as number) + (dues[k] as number);
  const riskPossible = available > 0 && available < demandBeforeOrder + RISK_MARGIN_SD * sdRisk * Math.sqrt(orderArrivesK) + 1;
  // survival[a]: chance that nothing on order has arrived by the end of day a (arrivals land before the day's sales).
  survival.fill(1, 0, orderArrivesK + 1);
  const empirical = receipts >= MIN_LEAD_TIME_OBSERVATIONS;
  // Receipts smoothed by a kernel (Silverman's rule, at least LEAD_TIME_BANDWIDTH_MIN_DAYS): ten receipts all on time don't prove the next one will be.
  const bandwidth = Math.max(LEAD_TIME_BANDWIDTH_MIN_DAYS, 1.06 * leadTimeSd * Math.pow(receipts, -0.2));
  for (const line of s.inbound) {
    const ownSupplier = line.supplierId === undefined || line.supplierId === s.supplier.id;
    const due = Math.round(dayNumber(line.eta) + (ownSupplier ? lateness : 0)) - asOf;
    // Overdue at its realistic ETA: it may come any day now; expect it half a lead-time deviation out.
    const k = due >= 1 ? due : 1 + Math.round(leadTimeSd / 2);
    inboundTotal += line.qty;
    if (k <= days) arrivals[k] = (arrivals[k] as number) + line.qty;
    if (line.qty <= 0) continue;
    if (k < nextInbound) nextInbound = k;
    if (!riskPossible) continue;
    // When it arrives: the supplier's own receipts that took longer than this order has been out, else the realistic ETA.
    const elapsed = empirical && ownSupplier && line.orderedAt !== undefined ? asOf - dayNumber(line.orderedAt) : -1;
    const pending = elapsed >= 0 ? slowerThan(observed, elapsed, bandwidth) : 0;
    for (let a = 1; a <= orderArrivesK; a++) {
      const stillOut = pending > 1e-6 ? slowerThan(observed, elapsed + a, bandwidth) / pending : a < k ? 1 : 0;
      survival[a] = (survival[a] as number) * stillOut;
    }
  }
  const inventoryPosition = available + inboundTotal - openOrdersTotal;

  // Day-by-day projection.
  let stock = available;
  let supplyOnly = available;
  let cum = 0;
  let stockoutK = -1;
  let belowSafetyK = -1;
  let supplyGapK = -1;
  let cover = available <= 0 ? 0 : -1;
  let inboundWithinHorizon = 0;
  let openWithinHorizon = 0;
  const leadK = Math.ceil(leadTime);
  projection[0] = available;
  for (let k = 1; k <= days; k++) {
    const f = forecast[k] as number;
    const arrive = arrivals[k] as number;
    const due = dues[k] as number;
    stock += arrive - f - due;
    supplyOnly += arrive - due;
    projection[k] = stock;
    if (k <= horizon) { inboundWithinHorizon += arrive; openWithinHorizon += due; }
    if (cover < 0 && cum + f > available && f > 0) cover = k - 1 + (available - cum) / f;
    cum += f;
    if (stockoutK < 0 && stock < 0 && k <= horizon) stockoutK = k;
    if (belowSafetyK < 0 && stock < safetyStock) belowSafetyK = k;
    if (supplyGapK < 0 && supplyOnly < 0 && k <= horizon) supplyGapK = k;
  }
  const risk = riskPossible ? stockoutRisk(available, sdRisk, orderArrivesK, nextInbound, z) : NO_RISK;
  // Units the projection is short before an order placed today can land: what only a transfer or expediting can cover.
  let lowestBeforeOrder = Math.min(0, available);
  for (let k = 1; k < orderArrivesK && k <= days; k++) if ((projection[k] as number) < lowestBeforeOrder) lowestBeforeOrder = projection[k] as number;
  const shortBeforeOrder = Math.ceil(-lowestBeforeOrder - 1e-9);
  if (cover < 0) cover = forecastDaily > 0 ? available / forecastDaily : -1;
  const daysOfCover = cover < 0 ? null : round2(cover);
  const projectedStockout = stockoutK > 0 ? isoDay(asOf + stockoutK) : null;
  const unitCost = item.unitCost;
  const unitValue = item.unitPrice ?? unitCost;

  // Routine replenishment: order up to the target when the inventory position reaches the reorder point.
  let replenish: ReplenishSuggestion | null = null;
  let rawOrderQty = 0;
  if (inventoryPosition <= reorderPoint && orderUpTo - inventoryPosition > 0) {
    rawOrderQty = orderUpTo - inventoryPosition;
    const pack = item.packSize ?? 1;
    let qty = Math.ceil(rawOrderQty / pack - 1e-9) * pack;
    const moq = item.moq ?? 0;
    if (qty < moq) qty = Math.ceil(moq / pack - 1e-9) * pack;
    // Never before an order placed today can arrive: a supplier asked for the impossible cannot plan; what is short
    // before then is said separately (shortBeforeArrival), for a transfer or expediting to cover.
    const wantedK = belowSafetyK > 0 ? Math.min(belowSafetyK, Math.max(1, leadK)) : Math.max(1, leadK);
    const needK = Math.max(orderArrivesK, wantedK);
    replenish = { qty: round2(qty), supplierId: s.supplier.id, needBy: isoDay(asOf + needK), ...(shortBeforeOrder > 0 ? { shortBeforeArrival: shortBeforeOrder } : {}) };
  }

  const alerts: Finding[] = [];
  const nextInboundIso = nextInbound === Infinity ? 'none' : isoDay(asOf + nextInbound);
  const orderArrives = isoDay(asOf + orderArrivesK);
  // What is on the way first (quantity and supplier), so a message can say which delivery to bring forward.
  const firstInbound = nextInbound === Infinity ? undefined : arrivingOn(s, asOf, nextInbound, lateness, leadTimeSd);
  const inboundFacts = firstInbound ? { nextInboundQty: round2(firstInbound.qty), ...(firstInbound.supplierId ? { nextInboundSupplier: firstInbound.supplierId } : {}) } : {};

  if (available <= 0) {
    const lostPerDay = forecastDaily * unitValue;
    alerts.push({
      type: 'STOCKOUT',
      severity: forecastDaily > 0 ? 'critical' : 'warning',
      message: `out of stock: ${fmt(available)} available (${fmt(s.onHand)} on hand, ${fmt(reserved)} reserved); expected demand ${fmt(forecastDaily)}/day; next inbound ${nextInboundIso}`,
      projectedStockout: s.asOf,
      suggestedAction: nextInbound <= leadK
        ? `expedite the inbound due ${nextInboundIso} or transfer stock from another location`
        : `transfer stock from another location or place an urgent order (a normal order arrives ${orderArrives})`,
      facts: { available: round2(available), onHand: s.onHand, reserved, forecastDaily: round2(forecastDaily), lostSalesPerDay: round2(lostPerDay), nextInbound: nextInboundIso,
        ...inboundFacts, orderArrives, shortUntilOrderArrives: shortBeforeOrder, valueAtRisk: round2(shortBeforeOrder * unitValue) },
    });
  } else if (risk.probability >= rules.stockoutRiskProbability) {
    // The first day the forecast outruns what is available, and no later than the day before an order today lands.
    const riskK = stockoutK > 0 && stockoutK < orderArrivesK ? stockoutK : Math.max(1, Math.min(orderArrivesK - 1, Math.floor(cover) + 1));
    const valueAtRisk = risk.expectedShortUnits * unitValue;
    const severity: Severity = riskK <= CRITICAL_DAYS || valueAtRisk >= HIGH_VALUE_AT_RISK ? 'critical' : 'warning';
    const percent = Math.round(risk.probability * 100);
    alerts.push({
      type: 'STOCKOUT_RISK',
      severity,
      projectedStockout: isoDay(asOf + riskK),
      message: `${percent}% chance of running out before stock arrives: ${fmt(available)} available covers ${days1(cover)}; next inbound ${nextInboundIso}; an order placed today arrives ${orderArrives}`,
      // Expediting needs something on the way; without it only a transfer or an urgent order can help.
      suggestedAction: `${nextInbound === Infinity ? 'transfer' : 'expedite inbound or transfer'} ${risk.coverUnits} units before ${isoDay(asOf + riskK)}; a new order alone arrives too late`,
      facts: { stockoutProbability: round2(risk.probability), available: round2(available), daysOfCover: round2(cover), daysToStockout: riskK, expectedShortUnits: round2(risk.expectedShortUnits), coverUnits: risk.coverUnits, valueAtRisk: round2(valueAtRisk), leadTimeDays: round2(leadTime), nextInbound: nextInboundIso, safetyStock: round2(safetyStock),
        ...inboundFacts, orderArrives, forecastDaily: round2(forecastDaily) },
    });
  } else if (available < safetyStock && inventoryPosition < safetyStock) {
    // Nothing on order restores the buffer; an order today still arrives in time (else it would be STOCKOUT_RISK).
    alerts.push({
      type: 'LOW_STOCK',
      severity: available < safetyStock / 2 ? 'warning' : 'info',
      message: `${fmt(available)} available is below safety stock ${fmt(safetyStock)} and only ${fmt(inboundTotal)} is inbound`,
      suggestedAction: replenish ? `place the suggested order of ${replenish.qty} today (arrives ${orderArrives})` : 'review the reorder settings of this position',
      facts: { available: round2(available), safetyStock: round2(safetyStock), inventoryPosition: round2(inventoryPosition), reorderPoint: round2(reorderPoint), ...(daysOfCover !== null ? { daysOfCover } : {}),
        inboundUnits: round2(inboundTotal), orderArrives, ...(replenish ? { suggestedOrderQty: replenish.qty } : {}) },
    });
  }

  if (supplyGapK > 0) {
    const gap = openWithinHorizon - (available + inboundWithinHorizon);
    alerts.push({
      type: 'SUPPLY_GAP',
      severity: supplyGapK <= leadTime ? 'critical' : 'warning',
      message: `confirmed customer orders of ${fmt(openWithinHorizon)} exceed available ${fmt(available)} plus inbound ${fmt(inboundWithinHorizon)} within ${horizon} days; first short on ${isoDay(asOf + supplyGapK)}`,
      suggestedAction: 'order or transfer the gap now, or agree later delivery dates with the customers',
      facts: { openOrders: round2(openWithinHorizon), available: round2(available), inbound: round2(inboundWithinHorizon), gapUnits: round2(Math.max(gap, 0)), firstShortDay: isoDay(asOf + supplyGapK),
        horizonDays: horizon, valueAtRisk: round2(Math.max(gap, 0) * unitValue) },
    });
  }

  const daysWithoutDemand = est.daysSinceLastDemand ?? est.historyDaysAvailable;
  const deadStock = s.onHand > 0 && est.historyDaysAvailable >= rules.deadStockDays && daysWithoutDemand >= rules.deadStockDays;
  if (deadStock) {
    const value = s.onHand * unitCost;
    alerts.push({
      type: 'DEAD_STOCK',
      severity: value >= HIGH_VALUE_AT_RISK ? 'warning' : 'info',
      message: `${fmt(s.onHand)} on hand and no demand for ${daysWithoutDemand} days (${fmt(value)} tied up)`,
      suggestedAction: 'return to supplier, transfer to a location that sells it, or mark down',
      facts: { onHand: s.onHand, daysWithoutDemand, capitalTiedUp: round2(value) },
    });
  } else if (forecastDaily > 0) {
    // One order can't be smaller than a pack or the MOQ, so that much above target is expected, not excess.
    // Judged against the longer-run rate too, so a forecast decaying between sporadic sales doesn't flicker an alert.
    const rateRatio = Math.max(1, est.longRunDaily / forecastDaily);
    const threshold = maxQty !== null ? maxQty : orderUpTo * rateRatio * (1 + rules.overstockMargin) + Math.max(item.packSize ?? 1, item.moq ?? 0);
    const stockAndInbound = available + inboundTotal;
    if (stockAndInbound > threshold) {
      const excess = stockAndInbound - orderUpTo;
      const capital = excess * unitCost;
      alerts.push({
        type: 'OVERSTOCK',
        severity: capital >= HIGH_VALUE_AT_RISK ? 'warning' : 'info',
        message: `${fmt(stockAndInbound)} in stock and inbound is above ${fmt(threshold)} (order-up-to ${fmt(orderUpTo)}); ${fmt(excess)} excess ties up ${fmt(capital)}`,
        suggestedAction: inboundTotal > 0 ? 'cancel or postpone inbound, or transfer the excess' : 'transfer the excess to locations that need it, or stop reordering',
        facts: { stockAndInbound: round2(stockAndInbound), orderUpTo: round2(orderUpTo), excessUnits: round2(excess), capitalTiedUp: round2(capital), ...(daysOfCover !== null ? { daysOfCover } : {}), inboundUnits: round2(inboundTotal) },
      });
    }
  }

  if (s.lots && s.lots.length > 0) lotFindings(s, rules, asOf, est.level, days, alerts);

  // On the mean of the receipts (steadier than the median) and most receipts late: one slow delivery is no pattern.
  // …and the lateness must stand out from the receipts' own spread: a long-tailed supplier's mean is not a pattern.
  const latenessT = leadTimeSd > 0 ? (leadTime - quoted) / (leadTimeSd / Math.sqrt(receipts)) : Infinity;
  if (receipts >= MIN_LEAD_TIME_OBSERVATIONS && leadTime > quoted * rules.leadTimeRiskRatio && lateCount * 2 >= receipts && latenessT >= LATENESS_MIN_T) {
    alerts.push({
      type: 'LEAD_TIME_RISK',
      severity: 'warning',
      message: `supplier ${s.supplier.id} quotes ${fmt(quoted)} days but took ${fmt(observedMedian)} (median of ${receipts} receipts); inbound ETAs are shifted by ${fmt(lateness)} days`,
      suggestedAction: 'update the quoted lead time with the supplier or move volume to the backup supplier',
      facts: { quotedLeadTimeDays: quoted, medianObservedDays: round2(observedMedian), meanObservedDays: round2(leadTime), lateReceipts: lateCount, receipts },
    });
  }

  const proj: number[] = [];
  if (options?.projection === true) for (let k = 0; k <= horizon; k++) proj.push(round2(projection[k] as number));

  return {
    sku: s.sku,
    location: s.location,
    alerts,
    replenish,
    safetyStock: round2(safetyStock),
    reorderPoint: round2(reorderPoint),
    forecastDaily: round2(forecastDaily),
    orderUpTo: round2(orderUpTo),
    daysOfCover,
    projectedStockout,
    demandModel: est.model,
    available: round2(available),
    inventoryPosition: round2(inventoryPosition),
    leadTimeDays: round2(leadTime),
    unitCost,
    explain: {
      asOf: s.asOf, serviceLevel, serviceLevelSource, z: round4(z), demandModel: est.model,
      level: round4(est.level), trendPerDay: round4(est.trendPerDay), weeklyFactors: est.weeklyFactors,
      demandSdDaily: round4(est.sdDaily), demandProbability: round4(est.demandProbability), demandSize: round4(est.demandSize),
      historyDaysUsed: est.historyDaysUsed, censoredDays: est.censoredDays, eventDays: est.eventDays, daysSinceLastDemand: est.daysSinceLastDemand,
      quotedLeadTimeDays: quoted, leadTimeDays: round4(leadTime), leadTimeSdDays: round4(leadTimeSd), leadTimeObservations: receipts,
      supplierLatenessDays: round4(lateness), reviewPeriodDays: review, horizonDays: horizon,
      leadTimeDemand: round4(leadTimeDemand), reviewPeriodDemand: round4(reviewDemand), safetyStockMethod,
      onHand: s.onHand, reserved, available, inboundTotal, openOrdersTotal, inventoryPosition,
      minQty, maxQty, packSize: item.packSize ?? 1, moq: item.moq ?? 0, rawOrderQty: round4(rawOrderQty),
      projectedAtLeadTime: round2(projection[Math.min(leadK, days)] as number), projectedAtHorizon: round2(projection[horizon] as number),
      projection: proj,
    },
  };
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;
const days1 = (x: number): string => `${fmt(x)} ${fmt(x) === '1' ? 'day' : 'days'}`;

/** The inbound line(s) landing first (at their realistic ETA, as in the projection): their quantity and supplier. */
function arrivingOn(s: PositionSnapshot, asOf: number, k: number, lateness: number, leadTimeSd: number): { qty: number; supplierId?: string } {
  let qty = 0;
  let supplierId: string | undefined;
  for (const line of s.inbound) {
    if (line.qty <= 0) continue;
    const ownSupplier = line.supplierId === undefined || line.supplierId === s.supplier.id;
    const due = Math.round(dayNumber(line.eta) + (ownSupplier ? lateness : 0)) - asOf;
    if ((due >= 1 ? due : 1 + Math.round(leadTimeSd / 2)) !== k) continue;
    qty += line.qty;
    supplierId ??= line.supplierId ?? s.supplier.id;
  }
  return { qty, ...(supplierId ? { supplierId } : {}) };
}

/** Sum of forecast[1..t] with a fractional last day. */
function cumulative(forecast: Float64Array, t: number): number {
  const whole = Math.floor(t);
  let sum = 0;
  for (let k = 1; k <= whole; k++) sum += forecast[k] as number;
  const frac = t - whole;
  if (frac > 0) sum += frac * (forecast[whole + 1] as number);
  return sum;
}

interface StockoutRisk {
  /** Chance that demand outruns available stock before the first inbound (or an order placed today) arrives. */
  probability: number;
  /** Expected unmet units before that arrival. */
  expectedShortUnits: number;
  /** Units that cover demand at the service level until replenishment arrives with 90% likelihood. */
  coverUnits: number;
}
const NO_RISK: StockoutRisk = { probability: 0, expectedShortUnits: 0, coverUnits: 0 };
/** Standard deviations of demand beyond which available stock cannot run short before an order lands (chance < 1e-9). */
const RISK_MARGIN_SD = 6;
/** Arrival likelihood the cover suggestion plans for. */
const COVER_ARRIVAL_LIKELIHOOD = 0.9;

/**
 * Weighs, over the days replenishment may arrive (survival of inbound, capped at the day an order placed today lands),
 * the chance that demand and customer orders due before that day exceed what is available (normal on the counts).
 */
function stockoutRisk(available: number, sd: number, orderArrivesK: number, firstInboundK: number, z: number): StockoutRisk {
  let probability = 0;
  let expectedShortUnits = 0;
  let coverUnits = 0;
  let demand = 0;
  for (let a = 1; a <= orderArrivesK; a++) {
    const stillOut = survival[a - 1] as number;
    if (stillOut <= 0) break;
    const arrives = a < orderArrivesK ? stillOut - (survival[a] as number) : stillOut;
    const n = a - 1;
    if (n > 0) demand += (forecast[n] as number) + (dues[n] as number);
    const spread = sd * Math.sqrt(n);
    if (spread > 0) {
      const x = (available + 0.5 - demand) / spread;
      const tail = 1 - normalCdf(x);
      probability += arrives * tail;
      expectedShortUnits += arrives * spread * (Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) - x * tail);
    } else if (demand > available) {
      probability += arrives;
      expectedShortUnits += arrives * (demand - available);
    }
    if (stillOut > 1 - COVER_ARRIVAL_LIKELIHOOD) coverUnits = Math.max(coverUnits, Math.ceil(demand + z * spread - available));
  }
  // Inbound that lands but is too small: the projection (inbound at realistic ETAs) after the first arrival.
  for (let k = firstInboundK; k < orderArrivesK; k++) {
    const spread = sd * Math.sqrt(k);
    const after = spread > 0 ? 1 - normalCdf(((projection[k] as number) + 0.5) / spread) : (projection[k] as number) < 0 ? 1 : 0;
    if (after > probability) probability = after;
  }
  return { probability, expectedShortUnits, coverUnits: Math.max(1, coverUnits) };
}


/** Chance that a lead time drawn from the smoothed receipts exceeds `days` (whole days: a receipt on day d is d). */
function slowerThan(observed: LeadTimeSample, days: number, bandwidth: number): number {
  let sum = 0;
  for (let j = 0; j < observed.distinct; j++) sum += (observed.count[j] as number) * (1 - normalCdf((days + 0.5 - (observed.value[j] as number)) / bandwidth));
  return sum / observed.n;
}

/** AGEING (lots held too long) and EXPIRY (lot quantity that won't sell before it expires, selling oldest first). */
function lotFindings(s: PositionSnapshot, rules: RuleDefaults, asOf: number, level: number, days: number, alerts: Finding[]): void {
  const lots = (s.lots ?? []).filter((l) => l.qty > 0).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  let agedQty = 0;
  let oldest = 0;
  for (const lot of lots) {
    const age = asOf - dayNumber(lot.receivedAt);
    if (age > rules.ageingDays) { agedQty += lot.qty; if (age > oldest) oldest = age; }
  }
  if (agedQty > 0) {
    const value = agedQty * s.item.unitCost;
    alerts.push({
      type: 'AGEING',
      severity: value >= HIGH_VALUE_AT_RISK || oldest > 2 * rules.ageingDays ? 'warning' : 'info',
      message: `${fmt(agedQty)} units received more than ${rules.ageingDays} days ago (oldest ${oldest} days, ${fmt(value)} at cost)`,
      suggestedAction: 'sell the oldest lots first, mark down, or transfer them',
      facts: { agedUnits: round2(agedQty), oldestLotDays: oldest, ageingDays: rules.ageingDays, value: round2(value) },
    });
  }
  // Forecast demand through day t (horizon days from the projection, then the current level).
  const demandThrough = (t: number): number => {
    if (t <= 0) return 0;
    if (t <= days) return cumulative(forecast, t);
    return cumulative(forecast, days) + (t - days) * level;
  };
  let consumedBefore = 0;
  let expiringQty = 0;
  let firstExpiry = Infinity;
  for (const lot of lots) {
    if (lot.expiresAt !== undefined) {
      const sellDays = dayNumber(lot.expiresAt) - asOf - 1; // sellable through the day before it expires
      const soldOfLot = Math.min(lot.qty, Math.max(0, demandThrough(sellDays) - consumedBefore));
      const waste = lot.qty - soldOfLot;
      if (waste > 1e-9) { expiringQty += waste; if (sellDays + 1 < firstExpiry) firstExpiry = sellDays + 1; }
    }
    consumedBefore += lot.qty;
  }
  if (expiringQty > 0) {
    const value = expiringQty * s.item.unitCost;
    const severity: Severity = firstExpiry <= EXPIRY_CRITICAL_DAYS ? 'critical' : firstExpiry <= EXPIRY_WARNING_DAYS || value >= HIGH_VALUE_AT_RISK ? 'warning' : 'info';
    alerts.push({
      type: 'EXPIRY',
      severity,
      message: `${fmt(expiringQty)} units will not sell before they expire (first expiry ${isoDay(asOf + firstExpiry)}, ${fmt(value)} at cost)`,
      suggestedAction: 'mark down or transfer the expiring lots now; reduce the next order',
      facts: { expiringUnits: round2(expiringQty), firstExpiry: isoDay(asOf + firstExpiry), daysToExpiry: firstExpiry, value: round2(value) },
    });
  }
}
