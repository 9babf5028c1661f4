// Turns what the hub stores about a position into the engine's PositionSnapshot. Pure.
import type { RuleDefaults, SupplierConfig } from '../config.js';
import type { DemandMonth, Item, Position, Supplier } from '../model.js';
import type { PositionSnapshot } from '../engine/snapshot.js';
import { historyFromMonths, historySeries, type DemandHistory } from './history.js';

export interface SnapshotSources {
  position: Position;
  /** The position's demand history; undefined when nothing was sold yet. */
  history: DemandHistory | undefined;
  item?: Item;
  /** The supplier as learned from sources (observed lead times), if any. */
  supplier?: Supplier;
  /** The supplier as configured (quoted lead time), if any. */
  supplierConfig?: SupplierConfig;
  asOf: string;
  rules: RuleDefaults;
}

export function buildSnapshot(src: SnapshotSources): PositionSnapshot {
  const { position, item, rules, asOf } = src;
  const override = rules.overrides.find((o) => (!o.sku || o.sku === position.sku) && (!o.location || o.location === position.locationId));
  const supplierId = src.supplier?.id ?? src.supplierConfig?.id ?? item?.supplierId ?? 'unassigned';
  return {
    asOf,
    sku: position.sku,
    location: position.locationId,
    onHand: position.onHand,
    reserved: position.reserved,
    inbound: position.inbound.map((l) => ({ qty: l.qty, eta: l.eta, ...(l.orderedAt ? { orderedAt: l.orderedAt } : {}), ...(l.supplierId ? { supplierId: l.supplierId } : {}) })),
    openOrders: position.openOrders.map((o) => ({ qty: o.qty, due: o.due })),
    demand: historySeries(src.history, asOf, rules.historyDays),
    ...(position.lots ? { lots: position.lots.map((l) => ({ qty: l.qty, receivedAt: l.receivedAt, ...(l.expiresAt ? { expiresAt: l.expiresAt } : {}) })) } : {}),
    item: {
      unitCost: item?.unitCost ?? 0,
      ...pick(item, ['unitPrice', 'packSize', 'moq', 'shelfLifeDays', 'abcClass', 'category']),
      ...(override?.serviceLevel ?? item?.serviceLevel ? { serviceLevel: override?.serviceLevel ?? item?.serviceLevel } : {}),
      ...(override?.minQty ?? item?.minQty) !== undefined ? { minQty: override?.minQty ?? item?.minQty } : {},
      ...(override?.maxQty ?? item?.maxQty) !== undefined ? { maxQty: override?.maxQty ?? item?.maxQty } : {},
    },
    supplier: {
      id: supplierId,
      leadTimeDays: src.supplierConfig?.leadTimeDays ?? src.supplier?.leadTimeDays ?? rules.defaultLeadTimeDays,
      ...(src.supplier?.observedLeadTimes?.length ? { observedLeadTimes: src.supplier.observedLeadTimes } : {}),
    },
  };
}

/** Daily demand from the first recorded month (at most historyDays back) through asOf, from month buckets. */
export function demandSeries(months: DemandMonth[], asOf: string, historyDays: number): PositionSnapshot['demand'] {
  return historySeries(historyFromMonths(months), asOf, historyDays);
}

function pick<T extends object, K extends keyof T>(obj: T | undefined, fields: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  if (!obj) return out;
  for (const f of fields) if (obj[f] !== undefined) out[f] = obj[f];
  return out;
}
