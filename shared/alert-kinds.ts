// The alert types and severities as plain lists (no validator), so the browser console can use them without zod.
export const ALERT_TYPES = [
  'LOW_STOCK', 'STOCKOUT_RISK', 'STOCKOUT', 'OVERSTOCK', 'DEAD_STOCK',
  'AGEING', 'EXPIRY', 'SUPPLY_GAP', 'LEAD_TIME_RISK', 'CONDITION',
] as const;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
