import { describe, expect, it } from 'vitest';
import { missingKeys, resolveLocale, translate } from '../../../shared/i18n/index.js';

describe('message catalogue', () => {
  it('has every key in both languages', () => {
    expect(missingKeys()).toEqual([]);
  });

  it('formats ICU plurals per locale', () => {
    expect(translate('en', 'common.units', { count: 1 })).toBe('1 unit');
    expect(translate('en', 'common.units', { count: 12 })).toBe('12 units');
    expect(translate('zh-CN', 'common.units', { count: 12 })).toBe('12 件');
  });

  it('maps browser and receiver tags to a supported locale', () => {
    expect(resolveLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(resolveLocale('zh')).toBe('zh-CN');
    expect(resolveLocale('de-DE')).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
  });

  it('refuses an unknown key instead of printing it', () => {
    expect(() => translate('en', 'no.such.key')).toThrow(/no.such.key/);
  });
});
