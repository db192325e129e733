import { describe, expect, it } from 'vitest';
import { NotEntitledError } from '../../domain/errors.js';
import { annualInspectionParties, appraisalParties, leakParties } from '../../domain/resolve-parties.js';
import { noStandingToStart, startableKinds } from '../../domain/standing.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { PROCEDURES } from '../../machines/index.js';
import { demoRegistry as reg } from '../support/demo.js';

const KINDS = Object.keys(PROCEDURES);

describe('who may start which procedure: one rule for the preparation, the API and the start page (issue 13)', () => {
  it('an organ starts 不明确事项, 异议, 泄密报告 and 定密纠正 (of its own or a subordinate’s); 鉴定 only a 监察机关 or 司法机关 (Regs 63 para 1); 年度自检 only a licensed enterprise (Regs 48 para 3)', () => {
    expect(startableKinds(reg, KINDS, 'org-th-office').sort()).toEqual(['correction', 'leak', 'objection', 'unclear-matter']);
    expect(startableKinds(reg, KINDS, 'org-gz-procuratorate').sort()).toEqual([
      'appraisal',
      'correction',
      'leak',
      'objection',
      'unclear-matter',
    ]);
    expect(startableKinds(reg, KINDS, 'org-gd-supervision')).toContain('appraisal');
    expect(startableKinds(reg, KINDS, 'ent-gz-tech').sort()).toEqual([
      'annual-inspection',
      'correction',
      'leak',
      'objection',
      'unclear-matter',
    ]);
    for (const o of reg.data.organs) {
      expect(startableKinds(reg, KINDS, o.id).includes('appraisal'), o.id).toBe(!!o.functions?.length);
      expect(startableKinds(reg, KINDS, o.id).includes('annual-inspection'), o.id).toBe(!!o.licence);
    }
  });

  it('司法机关 read in the criminal-procedure sense (本地策略): a 国家安全机关 handling a suspected leak applies, as a 公安机关 does (Law 53; Regs 63 para 1)', () => {
    expect(startableKinds(reg, KINDS, 'org-gd-ssd')).toContain('appraisal');
    expect(startableKinds(reg, KINDS, 'org-gz-psb')).toContain('appraisal');
    // A refusal says that the reading is the system's, and what the registry records.
    expect(noStandingToStart(reg, 'appraisal', 'org-th-office')?.message).toContain(
      '司法机关 read as courts, procuratorates, 公安 and 国家安全机关 (本地策略)',
    );
  });

  it('a secrecy authority starts only a 定密纠正 (Law 50): it decides within the other procedures', () => {
    for (const a of reg.data.authorities) expect(startableKinds(reg, KINDS, a.id), a.id).toEqual(['correction']);
    expect(noStandingToStart(reg, 'leak', 'auth-440000')).toEqual({
      message: expect.stringContaining('organId: 广东省国家保密局 (auth-440000) is a secrecy authority'),
      messageZh: '广东省国家保密局是保密行政管理部门；泄密报告由机关、单位发起。',
    });
  });

  it('says why in both languages, and the preparation refuses by the same rule (NotEntitledError: the API’s 403)', () => {
    expect(noStandingToStart(reg, 'appraisal', 'org-th-office')).toEqual({
      message: expect.stringContaining('may not apply for a 国家秘密和情报鉴定: only a 监察机关 or 司法机关'),
      messageZh:
        '广州市天河区某办不能申请国家秘密和情报鉴定：只有办理涉嫌泄露国家秘密案件的监察机关、司法机关可以申请（《实施条例》第六十三条第一款；司法机关含人民法院、人民检察院、公安机关和国家安全机关，本地策略）。',
    });
    expect(noStandingToStart(reg, 'annual-inspection', 'org-th-office')?.messageZh).toBe(
      '广州市天河区某办未取得保密资质，不报送保密资质年度自检报告（《实施条例》第四十八条第三款）。',
    );
    expect(() => appraisalParties(reg, { applicantId: 'org-th-office' })).toThrow(NotEntitledError);
    expect(() => annualInspectionParties(reg, { enterpriseId: 'org-th-office', year: 2025 }, DEFAULT_POLICY)).toThrow(NotEntitledError);
    expect(() => leakParties(reg, { organId: 'auth-440000' })).toThrow(NotEntitledError);
  });
});
