// What a stream's records must look like (the canonical model) and how source quirks are normalised before the check.
import { z } from 'zod';
import { inboundLine, item, location, positionRecord, salesRecord, supplier } from '../../shared/model.js';
import { formatPath } from '../../shared/config.js';
import type { StreamName } from './contract.js';

export const streamSchemas = {
  positions: positionRecord,
  purchaseOrders: positionRecord.extend({ inbound: z.array(inboundLine) }),
  locations: location,
  items: item,
  sales: salesRecord,
  suppliers: supplier,
} as const satisfies Record<StreamName, z.ZodType>;

export type StreamRecord<S extends StreamName> = z.infer<(typeof streamSchemas)[S]>;

/** Quantities, rounded to the unit-of-measure precision. */
const QUANTITY_KEYS = new Set(['onHand', 'reserved', 'qty']);
/** Other numeric fields: decimal strings become numbers, float noise is trimmed at 6 places. */
const NUMERIC_KEYS = new Set(['unitCost', 'unitPrice', 'packSize', 'moq', 'shelfLifeDays', 'serviceLevel', 'minQty', 'maxQty', 'leadTimeDays', 'onTimeRate', 'observedLeadTimes']);
/** Fields where `false` is a value, not "empty". */
const BOOLEAN_KEYS = new Set(['outOfStock']);
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

const round = (value: number, places: number): number => {
  const factor = 10 ** places;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
};

function normaliseNumber(value: unknown, places: number): unknown {
  if (typeof value === 'string' && DECIMAL.test(value)) return round(Number(value), places);
  if (typeof value === 'number' && Number.isFinite(value)) return round(value, places);
  return value;
}

/**
 * Source quirks to canonical values: "100.000" → 100, 0.30000000000000004 → 0.3, Odoo's `false` and JSON null
 * → absent. Negative stock stays negative. Anything else is left for the schema to judge.
 */
export function normalise(value: unknown, precision: number, key?: string): unknown {
  if (value === null || (value === false && !(key && BOOLEAN_KEYS.has(key)))) return undefined;
  if (Array.isArray(value)) {
    const out = value.map((v) => normalise(v, precision, key));
    return key === 'observedLeadTimes' ? out : out.filter((v) => v !== undefined);
  }
  if (typeof value === 'object' && value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const normalised = normalise(v, precision, k);
      if (normalised !== undefined) out[k] = normalised;
    }
    return out;
  }
  if (key && QUANTITY_KEYS.has(key)) return normaliseNumber(value, precision);
  if (key && NUMERIC_KEYS.has(key)) return normaliseNumber(value, 6);
  return value;
}

export type ValidationResult<S extends StreamName> = { ok: true; record: StreamRecord<S> } | { ok: false; reason: string };

/** Normalises then validates one mapped record of `stream`; the reason names each wrong field and its value. */
export function validateRecord<S extends StreamName>(stream: S, candidate: unknown, precision: number): ValidationResult<S> {
  const parsed = streamSchemas[stream].safeParse(normalise(candidate, precision));
  if (parsed.success) return { ok: true, record: parsed.data as StreamRecord<S> };
  return {
    ok: false,
    reason: parsed.error.issues.map((i) => `${formatPath(i.path) || '(record)'}: ${i.message}`).join('; '),
  };
}
