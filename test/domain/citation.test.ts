import { describe, expect, it } from 'vitest';
import { basisText, chineseNumeral, formatCitation } from '../../domain/citation.js';
import { LEAK_CONSEQUENCES, LICENCE_GROUND_LABELS } from '../../domain/labels.zh.js';
import { machineBases } from '../../machines/in-words.zh.js';
import { routeAppraisal, routeObjection, routeReferral, routeUnclearMatter } from '../../domain/routing.js';
import { PROCEDURES } from '../../machines/index.js';

describe('citations in the statute’s words (issue 13)', () => {
  it('writes article numbers in Chinese numerals as the statute numbers them', () => {
    expect([1, 10, 11, 19, 20, 25, 61, 100, 101, 110, 115, 203].map(chineseNumeral)).toEqual([
      '一',
      '十',
      '十一',
      '十九',
      '二十',
      '二十五',
      '六十一',
      '一百',
      '一百零一',
      '一百一十',
      '一百一十五',
      '二百零三',
    ]);
    expect(() => chineseNumeral(0)).toThrow(/1 to 9999/);
  });

  it.each([
    ['Regs 61 para 1', '《实施条例》第六十一条第一款'],
    ['Law 25', '《保密法》第二十五条'],
    ['Regs 26 para 2(2)', '《实施条例》第二十六条第二款第（二）项'],
    ['Regs 67 para 1(8)', '《实施条例》第六十七条第一款第（八）项'],
    ['Regs 71 para 3(3)', '《实施条例》第七十一条第三款第（三）项'],
    ['Regs 61 para 1; Regs 39', '《实施条例》第六十一条第一款、第三十九条'],
    ['Regs 25; Law 25; Regs 15(4)', '《实施条例》第二十五条；《保密法》第二十五条；《实施条例》第十五条第（四）项'],
    ['Regs 39, 67 para 1(8), 71', '《实施条例》第三十九条、第六十七条第一款第（八）项、第七十一条'],
    ['民法典 203', '《民法典》第二百零三条'],
    ['本地策略', '本地策略'],
    ['本地策略 (local policy)', '本地策略'],
    ['本地策略（国家秘密鉴定工作规定）', '本地策略（国家秘密鉴定工作规定）'],
    ['SPEC §4', '本系统规则第四节（提醒与督办、通知送达）'],
  ])('%s → %s', (basis, text) => {
    expect(formatCitation(basis)).toBe(text);
  });

  it('refuses a basis it cannot read, naming the part and the forms it reads; basisText shows it as written', () => {
    expect(() => formatCitation('Regs sixty-one')).toThrow(/cannot read "Regs sixty-one".*"Law N"/);
    expect(basisText('GB/T 2260')).toBe('GB/T 2260');
    expect(basisText(undefined)).toBeUndefined();
  });

  it('formats every basis the machines cite: procedure, state meta, deadline, event and notify params', () => {
    const bases = citedBases();
    expect(bases.size).toBeGreaterThan(40);
    const unreadable = [...bases].filter((b) => {
      try {
        return !/^(《|本地策略|本系统规则)/.test(formatCitation(b)) || /[A-Za-z]/.test(formatCitation(b));
      } catch {
        return true;
      }
    });
    expect(unreadable).toEqual([]);
  });

  it('an item of an article with more than one paragraph is cited with its paragraph: Regs 67 has two, item (8) is in para 1 → 《实施条例》第六十七条第一款第（八）项', () => {
    // Each item cited with no paragraph, as `Regs 15` for `Regs 15(4)` or `Regs 39, 15(4)`.
    const items = [...citedBases()].flatMap((b) =>
      b.split(/\s*;\s*/).flatMap((part) => {
        const [, statute, refs] = /^(Law|Regs) (.+)$/.exec(part) ?? [];
        return (refs?.split(/\s*,\s*/) ?? []).flatMap((ref) => (/^\d+\(\d+\)$/.test(ref) ? [`${statute} ${ref.split('(')[0]}`] : []));
      }),
    );
    // Articles whose items stand in their only paragraph (Regs 15: 定密责任人的具体职责).
    expect([...new Set(items)]).toEqual(['Regs 15']);
    expect(Object.keys(LEAK_CONSEQUENCES)).toContain('Regs 67 para 1(8)');
    expect(formatCitation('Regs 67 para 1(8)')).toBe('《实施条例》第六十七条第一款第（八）项');
  });
});

/** Every basis the machines cite (procedure, state meta, deadline, event, notify) or record in context. */
function citedBases(): Set<string> {
  const bases = new Set(Object.values(PROCEDURES).flatMap(machineBases));
  // Bases the machines record in context: routes, grounds of a proposal, late-report consequences.
  for (const b of [...Object.keys(LICENCE_GROUND_LABELS), ...Object.keys(LEAK_CONSEQUENCES), 'Regs 26 para 3', 'SPEC §4']) bases.add(b);
  for (const level of ['top-secret', 'secret'] as const) {
    bases.add(routeUnclearMatter('county', level).basis);
    bases.add(routeObjection('county', level).basis);
    bases.add(routeObjection('central', level).basis);
  }
  bases.add(routeReferral(true, routeUnclearMatter('county', 'secret')).basis);
  bases.add(routeAppraisal('county').basis);
  return bases;
}
