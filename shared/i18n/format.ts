// Locale-aware numbers, money, shares and times (Intl), shared by messages and the console. Times are shown on the
// wall clock of the location they concern.
import type { Locale } from './index.js';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) { f = make(); cache.set(key, f); }
  return f;
}

export function formatNumber(locale: Locale, value: number, maximumFractionDigits = 1): string {
  return cached(`n|${locale}|${maximumFractionDigits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits })).format(value);
}

export function formatMoney(locale: Locale, value: number, currency: string, compact = false): string {
  return cached(`m|${locale}|${currency}|${compact}`, () => new Intl.NumberFormat(locale, {
    style: 'currency', currency, ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : { maximumFractionDigits: 2 }),
  })).format(value);
}

export function formatPercent(locale: Locale, share: number): string {
  return cached(`p|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })).format(share);
}

/** An instant on the wall clock of `timeZone`, with the zone's short name so nobody mistakes it for their own. */
export function formatDateTime(locale: Locale, iso: string, timeZone = 'UTC'): string {
  return cached(`dt|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' })).format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD), which has no time zone. */
export function formatDay(locale: Locale, day: string, short = false): string {
  return cached(`d|${locale}|${short}`, () => new Intl.DateTimeFormat(locale, short ? { month: 'numeric', day: 'numeric', timeZone: 'UTC' } : { dateStyle: 'medium', timeZone: 'UTC' }))
    .format(new Date(`${day.slice(0, 10)}T00:00:00Z`));
}
