import { describe, expect, it } from 'vitest';
import { beyondCeiling, ceilingLastDay } from '../../domain/term-ceiling.js';

// Law 20 para 2 (除另有规定外，绝密级不超过三十年，机密级不超过二十年，秘密级不超过十年), from the term's start (Regs 19 para 2).
describe('the ceiling of a 保密期限, however the term is stated (Law 20 para 2)', () => {
  it('the last day is the same day that many years on (民法典 202)', () => {
    expect(ceilingLastDay('confidential', '2025-09-26')).toBe('2035-09-26');
    expect(ceilingLastDay('top-secret', '2025-09-26')).toBe('2055-09-26');
  });

  it('years and end dates are measured from the start', () => {
    expect(beyondCeiling('confidential', { kind: 'years', years: 10 }, '2025-09-26')).toBeUndefined();
    expect(beyondCeiling('confidential', { kind: 'years', years: 11 }, '2025-09-26')).toEqual({ maxYears: 10, lastDay: '2035-09-26' });
    expect(beyondCeiling('confidential', { kind: 'until', date: '2035-09-27' }, '2025-09-26')).toEqual({
      maxYears: 10,
      lastDay: '2035-09-26',
    });
  });

  it('a condition (解密条件) states its latest date, held to the ceiling as an end date (本地策略); without it, it is unbounded', () => {
    const condition = { kind: 'condition' as const, condition: '项目验收后解密' };
    expect(beyondCeiling('secret', condition, '2025-09-26')).toEqual({ maxYears: 20, lastDay: '2045-09-26', unbounded: true });
    expect(beyondCeiling('secret', { ...condition, latest: '2045-09-26' }, '2025-09-26')).toBeUndefined();
    expect(beyondCeiling('secret', { ...condition, latest: '2045-09-27' }, '2025-09-26')).toEqual({ maxYears: 20, lastDay: '2045-09-26' });
  });
});
