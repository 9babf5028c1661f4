// Calendar arithmetic on day numbers (days since 1970-01-01), so the engine never allocates a Date per day.

const ZERO = 48;

/** Day number of a YYYY-MM-DD string (already validated at the edge). */
export function dayNumber(iso: string): number {
  const y = (iso.charCodeAt(0) - ZERO) * 1000 + (iso.charCodeAt(1) - ZERO) * 100 + (iso.charCodeAt(2) - ZERO) * 10 + (iso.charCodeAt(3) - ZERO);
  const m = (iso.charCodeAt(5) - ZERO) * 10 + (iso.charCodeAt(6) - ZERO);
  const d = (iso.charCodeAt(8) - ZERO) * 10 + (iso.charCodeAt(9) - ZERO);
  // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** YYYY-MM-DD of a day number. */
export function isoDay(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Day of week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export const weekday = (day: number): number => (((day + 3) % 7) + 7) % 7;
