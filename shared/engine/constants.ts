// Named tuning constants of the policy engine; the rule defaults users tune live in hub.config (shared/config.ts).

/** Fewer valid (not out-of-stock) history days than this: a new item, forecast from a conservative prior. */
export const NEW_ITEM_MIN_DAYS = 28;
/** New items get this much more demand variance than their short history shows. */
export const NEW_ITEM_VARIANCE_INFLATION = 2;
/** A category prior counts as this many days of observed history when blended with a new item's own sales. */
export const PRIOR_WEIGHT_DAYS = 28;

/** Smoothing weight of simple exponential smoothing (level) and of TSB (probability and size). */
export const SES_ALPHA = 0.1;
export const TSB_ALPHA = 0.02;

/** The window (days) that shape tests look at: zero share, weekly profile, trend, error variance. */
export const SHAPE_WINDOW_DAYS = 84;
/** Weekly profile is used only if it removes at least this share of the squared error of a flat level. */
export const WEEKLY_MIN_ERROR_REDUCTION = 0.15;
/** Share of zero-demand days at or above which demand is intermittent (ADI ≈ 1.4). */
export const INTERMITTENT_ZERO_SHARE = 0.3;

/** Recent window for regime-shift detection and how far (in standard errors) its mean must move. */
export const REGIME_WINDOW_DAYS = 14;
export const REGIME_SHIFT_Z = 4;
/** …and by at least this share of the previous level, so big items don't re-level on noise. */
export const REGIME_SHIFT_MIN_CHANGE = 0.25;

/** A trend is used when its slope's t-statistic exceeds this and it moves the level by this share over the window. */
export const TREND_MIN_T = 4;
export const TREND_MIN_CHANGE = 0.15;
/** Daily damping of the trend: the forecast flattens out instead of extrapolating forever. */
export const TREND_DAMPING = 0.97;

/** Yearly seasonality needs a year plus the level window of history, and this coefficient of variation of 4-week blocks; six-week windows (the level, last year around each day) keep less of a slow mover's noise in the profile. */
export const YEARLY_MIN_DAYS = 365 + 42;
export const YEARLY_MIN_BLOCK_CV = 0.15;
export const YEARLY_LEVEL_DAYS = 42;

/** The newest receipts of a supplier the engine reads (the hub lists all of them, across items). */
export const LEAD_TIME_WINDOW = 300;
/** Observed lead times needed before they replace the quoted one. */
export const MIN_LEAD_TIME_OBSERVATIONS = 3;
/** LEAD_TIME_RISK needs the mean receipt to be this many standard errors slower than quoted (a one-sided t-test). */
export const LATENESS_MIN_T = 3;

/**
 * Smallest smoothing (days) of observed lead times when weighing when inbound arrives: receipts that all took
 * exactly the quote don't prove the next one can't be a day late.
 */
export const LEAD_TIME_BANDWIDTH_MIN_DAYS = 0.6;

/** A stockout projected this close (days) is critical. */
export const CRITICAL_DAYS = 3;
/** Money at risk (lost sales or tied-up capital, in the items' currency) at or above which a finding escalates one level. */
export const HIGH_VALUE_AT_RISK = 10_000;
/** Expiring stock within these many days is critical / a warning. */
export const EXPIRY_CRITICAL_DAYS = 7;
export const EXPIRY_WARNING_DAYS = 30;
