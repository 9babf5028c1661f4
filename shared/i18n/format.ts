// Locale-aware formatting for messages and the console (one module for both): money in the configured currency,
// quantities with their unit, calendar days and instants on the wall clock of the location they concern, product
// names beside SKU codes. Pure (Intl only), and small enough for the console's browser bundle.
import { translate, type Locale } from './index.js';

/** Intl locale per catalogue locale: `en` writes dates the unambiguous day-month way and times on a 24-hour clock. */
const DATE_LOCALE: Record<Locale, string> = { en: 'en-GB', 'zh-CN': 'zh-CN' };

// Intl formatters are costly to build and cheap to reuse: one per locale and options.
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = formats.get(key) as T | undefined;
  if (!format) formats.set(key, (format = make()));
  return format;
}
const numberFormat = (locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat =>
  cached(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  cached(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));

/**
 * Money with its currency: `€1,234.50`, `CN¥86.24` (en), `€1,234.50`, `¥86.24` (zh-CN); `compact` for charts and
 * tiles: `€12.3K` / `€1.2万`.
 */
export const formatMoney = (locale: Locale, amount: number, currency: string, compact = false): string =>
  numberFormat(locale, { style: 'currency', currency, ...(compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}) }).format(amount);

/** Money in whole units (`€1,235`, `€14`), where cents are noise: SMS and summaries. Amounts under one keep cents. */
export const formatMoneyRounded = (locale: Locale, amount: number, currency: string): string => {
  const digits = Math.abs(amount) >= 1 ? 0 : 2;
  return numberFormat(locale, { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits }).format(amount);
};

/** A plain number, at most `digits` decimals. */
export const formatNumber = (locale: Locale, value: number, digits = 1): string =>
  numberFormat(locale, { maximumFractionDigits: digits }).format(value);

/** Stock counts are whole units; a fraction is kept only for small rates (5.8 a day), never beyond one decimal. */
export const roundQuantity = (qty: number): number => (Math.abs(qty) >= 10 ? Math.round(qty) : Math.round(qty * 10) / 10);

/** `12 units` / `12 件`. */
export const formatUnits = (locale: Locale, qty: number): string =>
  translate(locale, 'common.units', { count: roundQuantity(qty) });

/** `3 days` / `3 天`. */
export const formatDays = (locale: Locale, days: number): string =>
  translate(locale, 'common.days', { count: roundQuantity(days) });

/** `45%` in messages; tables that compare shares ask for a decimal (`12.5%`). */
export const formatPercent = (locale: Locale, share: number, digits = 0): string =>
  numberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(share);

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar day (YYYY-MM-DD, already a local date) as people write it: `Tue 12 May` / `5月12日周二`; the year is
 * added when it is not the year of `today`.
 */
export function formatDay(locale: Locale, day: string, today?: string): string {
  const match = ISO_DAY.exec(day.slice(0, 10));
  if (!match) return day;
  const at = new Date(`${day.slice(0, 10)}T12:00:00Z`);
  const withYear = today === undefined || today.slice(0, 4) !== match[1];
  return dateFormat(DATE_LOCALE[locale], {
    timeZone: 'UTC', weekday: 'short', day: 'numeric', month: locale === 'en' ? 'short' : 'long', ...(withYear ? { year: 'numeric' } : {}),
  }).format(at).replace(',', '');
}

/** A day as a chart axis shows it: `26/11` / `11/26`. */
export function formatShortDay(locale: Locale, day: string): string {
  if (!ISO_DAY.test(day.slice(0, 10))) return day;
  return dateFormat(DATE_LOCALE[locale], { timeZone: 'UTC', day: 'numeric', month: 'numeric' }).format(new Date(`${day.slice(0, 10)}T12:00:00Z`));
}

/** The calendar day of an instant in a time zone (YYYY-MM-DD). */
export function dayIn(at: Date, timeZone: string): string {
  const parts = dateFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A readable name of the zone at that instant: `CEST`, `EDT`, `China Time` (en); `中欧夏令时间` (zh-CN). */
export function timeZoneLabel(locale: Locale, at: Date, timeZone: string): string {
  const name = (loc: string, style: Intl.DateTimeFormatOptions['timeZoneName']) =>
    dateFormat(loc, { timeZone, timeZoneName: style }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  if (locale === 'zh-CN') return name('zh-CN', 'long');
  // en-GB knows the European abbreviations, en-US the American ones; otherwise the generic name says where.
  for (const [loc, style] of [['en-GB', 'short'], ['en-US', 'short'], ['en-GB', 'shortGeneric']] as const) {
    const label = name(loc, style);
    if (!/^GMT[+-−]/.test(label)) return label;
  }
  return name('en-GB', 'short');
}

/**
 * An instant in the given time zone, with the zone named so it is never read as another's:
 * `Mon 11 May, 09:14 CEST` / `5月11日周一 09:14（中欧夏令时间）`.
 */
export function formatTime(locale: Locale, at: Date | string, timeZone = 'UTC', today?: string): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) return String(at);
  const day = formatDay(locale, dayIn(instant, timeZone), today);
  const clock = dateFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
  const zone = timeZoneLabel(locale, instant, timeZone);
  // No-break spaces keep a time and its zone on one line wherever the text is wrapped.
  return locale === 'zh-CN' ? `${day} ${clock}（${zone}）` : `${day}, ${clock}\u00a0${zone.replace(/ /g, '\u00a0')}`;
}

/** `Oat milk 1 l (SKU-0042)`; just the SKU when the product has no name. */
export function formatProduct(locale: Locale, sku: string, name?: string): string {
  const clean = name?.trim();
  if (!clean || clean === sku) return sku;
  return locale === 'zh-CN' ? `${clean}（${sku}）` : `${clean} (${sku})`;
}

/** A list in the locale's own way: `a, b and c` / `a、b和c`. */
export const formatList = (locale: Locale, items: readonly string[]): string =>
  new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
