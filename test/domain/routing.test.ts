import { describe, expect, it } from 'vitest';
import { routeUnclearMatter } from '../../domain/routing.js';
import { OrganKindSchema, LevelSchema } from '../../domain/parties.js';
import { unclearMatterParties } from '../../domain/resolve-parties.js';
import { demoRegistry } from '../support/demo.js';

describe('routing of an unclear matter (Regs 25 para 1)', () => {
  // 拟定为绝密级的事项和中央国家机关拟定的机密级、秘密级的事项 → national; others → provincial.
  for (const kind of OrganKindSchema.options) {
    for (const level of LevelSchema.options) {
      const expected = level === 'top-secret' || kind === 'central' ? 'national' : 'provincial';
      it(`${kind} organ, ${level} → ${expected}`, () => {
        expect(routeUnclearMatter(kind, level)).toMatchObject({ tier: expected, basis: 'Regs 25 para 1' });
      });
    }
  }

  it('sends a Guangzhou organ’s secret matter to the Guangdong provincial authority', () => {
    const r = unclearMatterParties(demoRegistry, { organId: 'org-th-office', proposal: { level: 'secret' } });
    expect(r.parties.authority!.id).toBe('auth-440000');
    expect(r.parties.superior!.id).toBe('org-gz-bureau');
  });

  it('sends a matter of an organ with no superior to the authority that determines it (Law 17 para 3)', () => {
    const r = unclearMatterParties(demoRegistry, { organId: 'org-bj-chaoyang', proposal: { level: 'confidential' } });
    expect(r.parties.authority!.id).toBe('auth-110000');
    expect(r.parties.superior!.id).toBe('auth-110000');
  });
});
