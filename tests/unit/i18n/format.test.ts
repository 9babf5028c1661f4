// The one formatting module messages and the console share: what each caller relies on.
import { describe, expect, it } from 'vitest';
import { formatDay, formatMoney, formatPercent, formatProduct, formatShortDay, formatTime, formatUnits } from '../../../shared/i18n/format.js';

describe('formatting for messages and the console', () => {
  it('writes money with its currency, in full or compact for tiles', () => {
    expect(formatMoney('en', 5518.52, 'EUR')).toBe('€5,518.52');
    expect(formatMoney('en', 12_340, 'EUR', true)).toBe('€12.3K');
    expect(formatMoney('zh-CN', 12_340, 'CNY', true)).toBe('¥1.2万');
  });

  it('rounds shares to whole percent in messages and to a decimal where tables ask', () => {
    expect(formatPercent('en', 0.125)).toBe('13%');
    expect(formatPercent('en', 0.125, 1)).toBe('12.5%');
  });

  it('writes days as people do, with the year only when it is not this year, and short for chart axes', () => {
    expect(formatDay('en', '2026-05-12', '2026-05-04')).toBe('Tue 12 May');
    expect(formatDay('en', '2027-01-04', '2026-05-04')).toBe('Mon 4 Jan 2027');
    expect(formatDay('zh-CN', '2026-05-12', '2026-05-04')).toBe('5月12日周二');
    expect(formatDay('en', '2026-05-12T08:00:00.000Z', '2026-05-04')).toBe('Tue 12 May');
    expect(formatShortDay('en', '2026-05-12')).toBe('12/05');
    expect(formatShortDay('zh-CN', '2026-05-12')).toBe('5/12');
  });

  it('tells an instant on the location\'s clock with the zone named', () => {
    expect(formatTime('en', '2026-05-04T07:30:00Z', 'Europe/Berlin', '2026-05-04')).toBe('Mon 4 May, 09:30\u00a0CEST');
    expect(formatTime('zh-CN', '2026-05-04T07:30:00Z', 'Asia/Shanghai', '2026-05-04')).toBe('5月4日周一 15:30（中国标准时间）');
  });

  it('puts the product name beside the SKU and counts units in words', () => {
    expect(formatProduct('en', 'SKU-0042', 'Oat milk 1 l')).toBe('Oat milk 1 l (SKU-0042)');
    expect(formatProduct('zh-CN', 'SKU-0042', '燕麦奶 1 升')).toBe('燕麦奶 1 升（SKU-0042）');
    expect(formatProduct('en', 'SKU-0042')).toBe('SKU-0042');
    expect(formatUnits('en', 1)).toBe('1 unit');
    expect(formatUnits('en', 15.71)).toBe('16 units');
  });
});
