// One message catalogue for notifications and the console, in English and Simplified Chinese.
// Messages are ICU MessageFormat (plurals, numbers, selects), formatted by intl-messageformat.
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogs } from './catalog/index.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;

/** The locale we speak for a requested tag: `zh`, `zh-Hans`, `zh-CN` → zh-CN; anything else → en. */
export function resolveLocale(tag: string | undefined | null): Locale {
  if (!tag) return DEFAULT_LOCALE;
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-cn') || lower.startsWith('zh-hans') || lower.startsWith('zh-sg')) return 'zh-CN';
  return DEFAULT_LOCALE;
}

export class MissingMessageError extends Error {
  constructor(readonly key: string, readonly locale: Locale) {
    super(`No message "${key}" in the ${locale} catalogue`);
    this.name = 'MissingMessageError';
  }
}

const compiled = new Map<string, IntlMessageFormat>();

/** Formats catalogue message `key` in `locale`; a key missing from the catalogue is a programming error, so it throws. */
export function translate(locale: Locale, key: string, values: MessageValues = {}): string {
  const cacheKey = `${locale}\u0000${key}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    const source = catalogs[locale][key];
    if (source === undefined) throw new MissingMessageError(key, locale);
    format = new IntlMessageFormat(source, locale);
    compiled.set(cacheKey, format);
  }
  const text = String(format.format(values as Record<string, string | number | boolean | Date | null | undefined>));
  return locale === 'zh-CN' ? tidyChinese(text) : text;
}

// Han characters and full-width punctuation: no space belongs between two of them.
const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uff00-\\uffef';
const CJK_GAP = new RegExp(`([${CJK}]) +(?=[${CJK}])`, 'gu');

/**
 * Chinese text with values put in: a value next to Han characters keeps its space only where Latin letters or digits
 * meet Han characters (`12 件`), never between two Han characters or full-width punctuation (`件全部`, `）已`).
 */
export const tidyChinese = (text: string): string => text.replace(CJK_GAP, '$1');

/** A translator bound to one locale: `const t = translator('zh-CN'); t('alert.type.STOCKOUT')`. */
export const translator = (locale: Locale) => (key: string, values?: MessageValues): string => translate(locale, key, values);

/** Keys present in one locale and missing in another (the catalogue test keeps this empty). */
export function missingKeys(): { locale: Locale; key: string }[] {
  const all = new Set(LOCALES.flatMap((l) => Object.keys(catalogs[l])));
  return LOCALES.flatMap((locale) => [...all].filter((key) => catalogs[locale][key] === undefined).map((key) => ({ locale, key })));
}
