import { describe, expect, it } from 'vitest';
import { isDemoRegistryVersion, Registry } from '../../domain/registry/registry.js';
import { escalationLadder, escalationTargets } from '../../domain/ladder.js';
import { PROVINCE_CODES } from '../../domain/parties.js';
import demo from '../../domain/registry/demo-registry.json' with { type: 'json' };
import { demoRegistry as reg } from '../support/demo.js';

describe('registry (SPEC §1)', () => {
  it('the demo has the national authority and all 31 provincial authorities with their codes', () => {
    expect(reg.national().id).toBe('auth-000000');
    for (const p of PROVINCE_CODES) expect(reg.provincialOf(`${p}0101`).region).toBe(`${p}0000`);
    expect(PROVINCE_CODES).toHaveLength(31);
  });

  it('the demo registry is marked by its version (production mode refuses it, worker/production.ts); a registry of its own is not', () => {
    expect(reg.version).toBe('demo-2026-11');
    expect(isDemoRegistryVersion(reg.version)).toBe(true);
    expect(isDemoRegistryVersion('gd-2026-11')).toBe(false);
  });

  it('finds the same-level authority of each organ kind', () => {
    expect(reg.sameLevelAuthority(reg.organ('org-central-ministry')).id).toBe('auth-000000');
    expect(reg.sameLevelAuthority(reg.organ('org-gd-dept')).id).toBe('auth-440000');
    expect(reg.sameLevelAuthority(reg.organ('org-gz-bureau')).id).toBe('auth-440100');
    expect(reg.sameLevelAuthority(reg.organ('org-th-office')).id).toBe('auth-440106');
    expect(reg.sameLevelAuthority(reg.organ('ent-gz-tech')).id).toBe('auth-440106');
    // Nanjing has a municipal authority; a Nanjing county-level organ without its own county authority falls back to it.
    expect(reg.sameLevelAuthority({ ...reg.organ('org-nj-bureau'), kind: 'county', region: '320102' }).id).toBe('auth-320100');
  });

  const bad = (mutate: (d: typeof demo) => void) => {
    const d = structuredClone(demo);
    mutate(d);
    return () => Registry.fromJSON(d);
  };

  it('stops on bad data with the field and the reason', () => {
    expect(bad((d) => d.authorities.splice(5, 1))).toThrow(/no provincial authority for province 150000/);
    expect(bad((d) => (d.organs[3]!.superiorId = 'org-ghost'))).toThrow(/organs\.3\.superiorId: no organ "org-ghost"/);
    expect(bad((d) => (d.authorities[1]!.region = '110100'))).toThrow(
      /authorities\.1\.region: region 110100 is not a provincial region code/,
    );
    expect(bad((d) => (d.organs[1]!.id = d.organs[0]!.id))).toThrow(/organs\.1\.id: id "org-central-ministry" is used twice/);
    expect(bad((d) => ((d.organs[0] as Record<string, unknown>).secret = 'x'))).toThrow(/organs\.0: Unrecognized key/);
    expect(bad((d) => ((d.organs[0] as Record<string, unknown>).functions = ['police']))).toThrow(
      /organs\.0\.functions\.0: .*supervisory.*judicial/,
    );
  });

  it('records which organs are 监察机关 or 司法机关, the applicants of an appraisal (Regs 63 para 1)', () => {
    const fn = (id: string) => reg.organ(id).functions;
    expect(fn('org-gd-supervision')).toEqual(['supervisory']); // 监察委员会
    expect(fn('org-gz-procuratorate')).toEqual(['judicial']);
    expect(fn('org-spp')).toEqual(['judicial']);
    expect(fn('org-gz-psb')).toEqual(['judicial']); // 公安: investigating organ, judicial in the criminal-procedure sense
    expect(fn('org-gz-bureau')).toBeUndefined();
  });
});

describe('escalation ladder (SPEC §1, local policy)', () => {
  const ref = (id: string) => reg.party(id);
  it('an organ: its secrecy officer, then its superior organ and same-level authority, then no further rung', () => {
    expect(escalationTargets(reg, ref('org-th-office'), 1).map((t) => t.role)).toEqual(['secrecy-officer']);
    expect(escalationTargets(reg, ref('org-th-office'), 2).map((t) => [t.party.id, t.role])).toEqual([
      ['org-gz-bureau', 'superior-organ'],
      ['auth-440106', 'same-level-authority'],
    ]);
    expect(escalationTargets(reg, ref('org-bj-chaoyang'), 2).map((t) => t.party.id)).toEqual(['auth-110105']);
    expect(escalationTargets(reg, ref('org-th-office'), 3)).toEqual([]);
  });

  it('an authority: one tier up per rung, county → municipal → provincial → national, then none', () => {
    expect(escalationTargets(reg, ref('auth-440106'), 1)[0]!.party.id).toBe('auth-440100');
    expect(escalationTargets(reg, ref('auth-440106'), 2)[0]!.party.id).toBe('auth-440000');
    expect(escalationTargets(reg, ref('auth-440106'), 3)[0]!.party.id).toBe('auth-000000');
    expect(escalationTargets(reg, ref('auth-440106'), 4)).toEqual([]);
    // Beijing 朝阳区 has no municipal tier in the registry: straight to the province.
    expect(escalationTargets(reg, ref('auth-110105'), 1)[0]!.party.id).toBe('auth-110000');
    expect(escalationTargets(reg, ref('auth-000000'), 1)).toEqual([]);
  });

  it('the whole ladder recorded with a start is, rung by rung, what each rung gives, for every organ and authority (issue 14)', () => {
    const ids = [...demo.organs, ...demo.authorities].map((p) => p.id);
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) {
      const ladder = escalationLadder(reg, ref(id));
      for (let rung = 1; rung <= ladder.length + 2; rung++)
        expect(ladder[rung - 1] ?? [], `${id} rung ${rung}`).toEqual(escalationTargets(reg, ref(id), rung));
    }
    expect(escalationLadder(reg, ref('auth-440106')).map((r) => r[0]!.party.id)).toEqual(['auth-440100', 'auth-440000', 'auth-000000']);
    expect(escalationLadder(reg, ref('org-th-office')).map((r) => r.length)).toEqual([1, 2]);
    expect(escalationLadder(reg, ref('auth-000000'))).toEqual([]);
  });
});
