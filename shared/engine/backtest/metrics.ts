// Backtest metrics from day-by-day traces: pure, so a tiny hand-made trace can check every figure.

/** What happened at one position on one simulated day (stock counted at the end of the day). */
export interface DayRecord {
  demand: number;
  sales: number;
  onHand: number;
  /** An order was placed today. */
  ordered: boolean;
  /** Alert types listed today. */
  alerts: readonly string[];
  /** Today's alerts include a warning of a coming shortage (STOCKOUT_RISK, LOW_STOCK, SUPPLY_GAP). */
  shortageWarning: boolean;
  /**
   * On the first day of a shortage-warning episode, and on every day with a stockout chance above 0: would stock have
   * run short within the warning's window had nobody acted?
   */
  shortageIfIgnored?: boolean;
  /** The policy's chance of running out (policies that have one), so its warning threshold can be swept afterwards. */
  risk?: number;
  /** Lead time the order placed today really took. */
  leadTimeDays?: number;
}

export interface PositionTrace {
  pattern: string;
  unitCost: number;
  days: DayRecord[];
}

export interface BacktestMetrics {
  positions: number;
  fillRate: number;
  /** Days with unmet demand, per position (over the simulated period). */
  stockoutDaysPerPosition: number;
  /** Sum over positions of the average stock value held (end-of-day on hand × unit cost). */
  avgInventoryValue: number;
  /** Average stock held divided by average daily demand. */
  daysOfCover: number;
  ordersPerPosition: number;
  alertEpisodesPerPositionMonth: number;
  stockoutEpisodes: number;
  /** Share of stockout episodes with a shortage warning active within WARNING_LOOKBACK_DAYS before it. */
  warnedStockoutShare: number;
  /** For warned stockouts: days from the start of that warning episode to the stockout. */
  meanWarningDaysAhead: number;
  /** Share of stockout episodes whose warning began at least WARNED_AHEAD_DAYS before it. */
  warnedAheadShare: number;
  shortageWarningEpisodes: number;
  shortageWarningEpisodesPerPositionMonth: number;
  /** Share of shortage-warning episodes that a real shortage would have followed had nobody acted. */
  warningPrecision: number;
}

/** How far back a warning may start and still count as the warning of a stockout. */
export const WARNING_LOOKBACK_DAYS = 14;
/** A warning this many days ahead leaves time to expedite or transfer. */
export const WARNED_AHEAD_DAYS = 3;
const DAYS_PER_MONTH = 30;

export function computeMetrics(traces: readonly PositionTrace[]): BacktestMetrics {
  let demand = 0, sales = 0, stockoutDays = 0, inventoryValue = 0, stockUnits = 0, orders = 0, episodes = 0, positionDays = 0;
  let stockoutEpisodes = 0, warned = 0, warnedAhead = 0, daysAhead = 0, warningEpisodes = 0, confirmed = 0;
  for (const trace of traces) {
    const days = trace.days;
    let value = 0;
    for (let t = 0; t < days.length; t++) {
      const d = days[t] as DayRecord;
      const prev = t > 0 ? days[t - 1] : undefined;
      demand += d.demand; sales += d.sales; stockUnits += d.onHand; value += d.onHand * trace.unitCost;
      if (d.ordered) orders++;
      for (const type of d.alerts) if (!prev || !prev.alerts.includes(type)) episodes++;
      if (d.shortageWarning && !prev?.shortageWarning) {
        warningEpisodes++;
        if (d.shortageIfIgnored === true) confirmed++;
      }
      const short = d.sales < d.demand;
      if (short) stockoutDays++;
      if (short && !(prev && prev.sales < prev.demand)) {
        stockoutEpisodes++;
        let w = t - 1;
        while (w >= 0 && w >= t - WARNING_LOOKBACK_DAYS && !(days[w] as DayRecord).shortageWarning) w--;
        if (w >= 0 && w >= t - WARNING_LOOKBACK_DAYS) {
          while (w > 0 && (days[w - 1] as DayRecord).shortageWarning) w--;
          warned++;
          daysAhead += t - w;
          if (t - w >= WARNED_AHEAD_DAYS) warnedAhead++;
        }
      }
    }
    positionDays += days.length;
    inventoryValue += days.length > 0 ? value / days.length : 0;
  }
  const positions = traces.length;
  return {
    positions,
    fillRate: demand > 0 ? sales / demand : 1,
    stockoutDaysPerPosition: positions > 0 ? stockoutDays / positions : 0,
    avgInventoryValue: inventoryValue,
    daysOfCover: demand > 0 ? stockUnits / demand : 0,
    ordersPerPosition: positions > 0 ? orders / positions : 0,
    alertEpisodesPerPositionMonth: positionDays > 0 ? episodes / (positionDays / DAYS_PER_MONTH) : 0,
    stockoutEpisodes,
    warnedStockoutShare: stockoutEpisodes > 0 ? warned / stockoutEpisodes : 1,
    meanWarningDaysAhead: warned > 0 ? daysAhead / warned : 0,
    warnedAheadShare: stockoutEpisodes > 0 ? warnedAhead / stockoutEpisodes : 1,
    shortageWarningEpisodes: warningEpisodes,
    shortageWarningEpisodesPerPositionMonth: positionDays > 0 ? warningEpisodes / (positionDays / DAYS_PER_MONTH) : 0,
    warningPrecision: warningEpisodes > 0 ? confirmed / warningEpisodes : 1,
  };
}

/**
 * The same trace with shortage warnings re-decided at another threshold on the recorded chance of running out (days
 * without a recorded chance keep their warnings): one simulation answers a whole threshold sweep, since warnings
 * don't change what is ordered.
 */
export function atRiskThreshold(trace: PositionTrace, threshold: number): PositionTrace {
  return {
    ...trace,
    days: trace.days.map((d) => {
      if (d.risk === undefined) return d;
      const warning = d.risk > 0 && d.risk >= threshold;
      const alerts = d.alerts.filter((a) => a !== 'STOCKOUT_RISK');
      if (warning) alerts.push('STOCKOUT_RISK');
      return { ...d, alerts, shortageWarning: warning };
    }),
  };
}
