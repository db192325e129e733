import { describe, expect, it } from 'vitest';
import { interimProtection } from '../../domain/interim.js';

const c = (level: 'top-secret' | 'secret' | 'confidential', term: object) => ({
  outcome: 'state-secret' as const,
  classification: { level, term: term as never },
});

describe('interim protection of an objection (Regs 26 para 3)', () => {
  it('takes the highest claimed level and the longest claimed term, even from different claims', () => {
    expect(
      interimProtection(
        [c('confidential', { kind: 'years', years: 10 }), c('secret', { kind: 'years', years: 5 }), { outcome: 'not-secret' }],
        '2025-09-01',
      ),
    ).toEqual({
      level: 'secret',
      term: { kind: 'years', years: 10 },
      since: '2025-09-01',
      endsOn: '2035-09-01',
      basis: 'Regs 26 para 3',
    });
  });

  it('compares terms as end dates, each year term from its own start (Regs 19 para 2: 自标明的制发日起计算)', () => {
    const old = {
      outcome: 'state-secret' as const,
      classification: { level: 'secret' as const, term: { kind: 'years' as const, years: 10 }, since: '2016-01-01' },
    };
    // 10 years from 2016 end before 5 years from the default start 2025-09-01.
    expect(interimProtection([old, c('secret', { kind: 'years', years: 5 })], '2025-09-01')).toMatchObject({
      term: { years: 5 },
      since: '2025-09-01',
      endsOn: '2030-09-01',
    });
    expect(interimProtection([old, c('secret', { kind: 'years', years: 5 })], '2015-01-01')).toMatchObject({
      term: { years: 10 },
      since: '2016-01-01',
      endsOn: '2026-01-01',
    });
  });

  it('compares a year term with a declassification date, and ranks a condition longest', () => {
    expect(
      interimProtection([c('secret', { kind: 'years', years: 5 }), c('secret', { kind: 'until', date: '2031-01-01' })], '2025-09-01')!.term,
    ).toEqual({ kind: 'until', date: '2031-01-01' });
    expect(
      interimProtection([c('secret', { kind: 'until', date: '2029-01-01' }), c('secret', { kind: 'years', years: 5 })], '2025-09-01')!.term,
    ).toEqual({ kind: 'years', years: 5 });
    expect(
      interimProtection(
        [c('secret', { kind: 'years', years: 20 }), c('confidential', { kind: 'condition', condition: '项目结束' })],
        '2025-09-01',
      )!.term.kind,
    ).toBe('condition');
  });

  it('has none when every claim says not a state secret', () => {
    expect(interimProtection([{ outcome: 'not-secret' }], '2025-09-01')).toBeUndefined();
  });
});
