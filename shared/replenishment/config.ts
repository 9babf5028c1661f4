// Config for suppliers in the loop: approval thresholds, acknowledgement SLA, lead-time risk. Merged into hub.config by the lead.
import { z } from 'zod';

const amount = z.number().finite().nonnegative();

export const approvalPolicy = z.strictObject({
  /** Requests whose total is below this amount are approved without a person; 0 means every request needs a buyer. */
  autoApproveBelow: amount.default(0),
  /** Per supplier id: overrides autoApproveBelow for that supplier's requests. */
  bySupplier: z.record(z.string(), amount).default({}),
  /** Per item category: the subtotal of that category's lines must also stay below this amount. */
  byCategory: z.record(z.string(), amount).default({}),
  /**
   * A request waiting for approval that changes by more than this share of its total (or gains or loses lines) is
   * sent to the buyers again, and links to the older version stop approving it. 0.1 = 10%.
   */
  materialChangeShare: z.number().min(0).max(10).default(0.1),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicy>;

export const leadTimeRiskPolicy = z.strictObject({
  /** Receipts needed before the observed lead time is trusted. */
  minReceipts: z.number().int().positive().default(3),
  /** How many of the latest receipts make up the "recent" window compared against the quote. */
  recentWindow: z.number().int().positive().default(5),
  /** Recent mean lead time above quoted × ratio raises LEAD_TIME_RISK. */
  ratio: z.number().gt(1).default(1.3),
  /** An on-time rate (received by the promised date) below this raises LEAD_TIME_RISK. */
  minOnTimeRate: z.number().min(0).max(1).default(0.8),
});
export type LeadTimeRiskPolicy = z.infer<typeof leadTimeRiskPolicy>;

export const replenishmentConfig = z.strictObject({
  /** ISO 4217 code of item unit costs and request totals. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code like EUR').default('EUR'),
  /** Who the hub is towards suppliers (cXML From identity, JSON buyerId). */
  buyerId: z.string().min(1).default('stocksentry'),
  approval: approvalPolicy.default(approvalPolicy.parse({})),
  /**
   * Share above the ordered quantity a supplier may confirm or ship, and a receipt may report (0.1 = 10%); more is
   * refused with 400, never applied: a buyer changes the order first.
   */
  overConfirmTolerance: z.number().min(0).max(1).default(0.1),
  /** Hours a supplier has to acknowledge a sent request before it is re-planned to the backup supplier. */
  ackSlaHours: z.number().positive().default(48),
  leadTimeRisk: leadTimeRiskPolicy.default(leadTimeRiskPolicy.parse({})),
  /** Sender of order emails to `format: 'email'` suppliers; on AWS an SES-verified identity (docs/suppliers.md). */
  fromEmail: z.string().email().optional(),
});
export type ReplenishmentConfig = z.infer<typeof replenishmentConfig>;

/** Fields added to each supplier in hub.config (see docs/suppliers.md). */
export const supplierReplenishmentFields = {
  /** Overrides replenishment.ackSlaHours for this supplier. */
  ackSlaHours: z.number().positive().optional(),
  /** The supplier's identity in cXML headers (From/Sender Identity); defaults to the supplier id. */
  cxmlIdentity: z.string().min(1).optional(),
};

/** The supplier settings this module reads; shared/config.ts SupplierConfig plus the fields above satisfies it. */
export interface ReplenishmentSupplier {
  id: string;
  name?: string;
  leadTimeDays: number;
  endpoint?: string;
  format: string;
  email?: string;
  backupSupplierId?: string;
  ackSlaHours?: number;
  cxmlIdentity?: string;
}
