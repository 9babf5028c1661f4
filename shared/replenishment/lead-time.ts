// Lead-time learning: what suppliers actually deliver, per supplier and supplier × item, and the drift that becomes LEAD_TIME_RISK.
import type { Finding } from '../engine/snapshot.js';
import type { LeadTimeRiskPolicy } from './config.js';
import type { LeadTimeObservation } from './ack.js';

export interface LeadTimeStats {
  receipts: number;
  meanDays: number;
  /** Sample standard deviation of the lead time (0 with fewer than two receipts). */
  stdDevDays: number;
  /** Mean of the latest `recentWindow` receipts: what the supplier does now. */
  recentMeanDays: number;
  /** Share of receipts on or before the promised date; null when nothing was promised. */
  onTimeRate: number | null;
  /** Received ÷ confirmed quantity; null when nothing was confirmed. */
  fillRate: number | null;
}

export interface SupplierScorecard extends LeadTimeStats {
  supplierId: string;
  quotedLeadTimeDays: number;
  items: Record<string, LeadTimeStats>;
  /** All observed lead times, oldest first: the engine's supplier.observedLeadTimes. */
  observedLeadTimes: number[];
  risk: Finding | null;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

export function leadTimeStats(observations: readonly LeadTimeObservation[], recentWindow: number): LeadTimeStats {
  const ordered = [...observations].sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.requestKey.localeCompare(b.requestKey));
  const days = ordered.map((o) => o.leadTimeDays);
  const n = days.length;
  const mean = n ? days.reduce((s, d) => s + d, 0) / n : 0;
  const variance = n > 1 ? days.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1) : 0;
  const recent = days.slice(-recentWindow);
  const promised = ordered.filter((o) => o.onTime !== undefined);
  const confirmed = ordered.reduce((s, o) => s + o.confirmedQty, 0);
  return {
    receipts: n,
    meanDays: round(mean),
    stdDevDays: round(Math.sqrt(variance)),
    recentMeanDays: round(recent.length ? recent.reduce((s, d) => s + d, 0) / recent.length : 0),
    onTimeRate: promised.length ? round(promised.filter((o) => o.onTime).length / promised.length) : null,
    fillRate: confirmed > 0 ? round(ordered.reduce((s, o) => s + o.receivedQty, 0) / confirmed) : null,
  };
}

export function buildScorecard(supplierId: string, quotedLeadTimeDays: number, observations: readonly LeadTimeObservation[], policy: LeadTimeRiskPolicy): SupplierScorecard {
  const own = observations.filter((o) => o.supplierId === supplierId);
  const bySku = new Map<string, LeadTimeObservation[]>();
  for (const o of own) bySku.set(o.sku, [...(bySku.get(o.sku) ?? []), o]);
  const stats = leadTimeStats(own, policy.recentWindow);
  const card = {
    supplierId, quotedLeadTimeDays, ...stats,
    items: Object.fromEntries([...bySku].sort(([a], [b]) => a.localeCompare(b)).map(([sku, obs]) => [sku, leadTimeStats(obs, policy.recentWindow)])),
    observedLeadTimes: [...own].sort((a, b) => a.receivedOn.localeCompare(b.receivedOn)).map((o) => o.leadTimeDays),
  };
  return { ...card, risk: leadTimeRisk(card, policy) };
}

/**
 * LEAD_TIME_RISK when, over enough receipts, the recent lead time drifted above the quote by more than the ratio,
 * or the supplier keeps too few of its promised dates.
 */
export function leadTimeRisk(card: Omit<SupplierScorecard, 'risk'>, policy: LeadTimeRiskPolicy): Finding | null {
  if (card.receipts < policy.minReceipts) return null;
  const drift = card.recentMeanDays / card.quotedLeadTimeDays;
  const late = card.onTimeRate !== null && card.onTimeRate < policy.minOnTimeRate;
  if (drift <= policy.ratio && !late) return null;
  const facts = {
    supplierId: card.supplierId, quotedLeadTimeDays: card.quotedLeadTimeDays, recentMeanDays: card.recentMeanDays,
    meanDays: card.meanDays, stdDevDays: card.stdDevDays, driftRatio: round(drift, 2), receipts: card.receipts,
    ...(card.onTimeRate !== null ? { onTimeRate: card.onTimeRate } : {}),
  };
  const reasons = [
    ...(drift > policy.ratio ? [`recent lead time ${card.recentMeanDays} d is ${round(drift, 2)}× the quoted ${card.quotedLeadTimeDays} d`] : []),
    ...(late ? [`only ${Math.round((card.onTimeRate ?? 0) * 100)}% of receipts arrived by the promised date`] : []),
  ];
  return {
    type: 'LEAD_TIME_RISK', severity: drift > policy.ratio * 1.5 ? 'critical' : 'warning', facts,
    message: `Supplier ${card.supplierId}: ${reasons.join('; ')}`,
    suggestedAction: `update leadTimeDays for ${card.supplierId} to about ${Math.ceil(card.recentMeanDays)} or raise it with the supplier`,
  };
}
