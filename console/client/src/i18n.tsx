// The console's language: the shared catalogue (ICU MessageFormat) and Intl formatters, in the browser's language
// unless the person picked one (kept in localStorage).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { resolveLocale, translate, translator, type Locale, type MessageValues } from '../../../shared/i18n/index';
import { formatDay, formatMoney, formatNumber, formatPercent, formatShortDay, formatTime } from '../../../shared/i18n/format';

const KEY = 'stocksentry.locale';

export function initialLocale(): Locale {
  const chosen = localStorage.getItem(KEY);
  if (chosen) return resolveLocale(chosen);
  for (const tag of navigator.languages ?? [navigator.language]) if (resolveLocale(tag) !== 'en' || tag.startsWith('en')) return resolveLocale(tag);
  return 'en';
}

export const rememberLocale = (locale: Locale): void => localStorage.setItem(KEY, locale);

export interface I18n {
  locale: Locale;
  t: (key: string, values?: MessageValues) => string;
  /** A catalogue label when there is one (e.g. a finding's fact names), else the fallback. */
  label: (key: string, fallback: string) => string;
  num: (x: number | null | undefined, digits?: number) => string;
  money: (x: number | null | undefined, currency: string, compact?: boolean) => string;
  pct: (x: number | null | undefined) => string;
  time: (iso: string | undefined, timeZone?: string) => string;
  day: (day: string, short?: boolean) => string;
}

export function makeI18n(locale: Locale): I18n {
  const dash = '—';
  return {
    locale,
    t: translator(locale),
    label: (key, fallback) => { try { return translate(locale, key); } catch { return fallback; } },
    num: (x, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? dash : formatNumber(locale, x, digits)),
    money: (x, currency, compact) => (x === null || x === undefined ? dash : formatMoney(locale, x, currency, compact)),
    pct: (x) => (x === null || x === undefined ? dash : formatPercent(locale, x, 1)),
    time: (iso, timeZone) => (iso ? formatTime(locale, iso, timeZone) : dash),
    day: (d, short) => (short ? formatShortDay(locale, d) : formatDay(locale, d)),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
