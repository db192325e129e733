import { describe, expect, it } from 'vitest';
import { authorityLateness } from '../../domain/authority-lateness.js';
import { AUTHORITY_LATE_CONSEQUENCES, AUTHORITY_LATE_READING } from '../../domain/labels.zh.js';

const provincial = {
  id: 'auth-440000',
  name: '广东省国家保密局',
  type: 'authority' as const,
  tier: 'provincial' as const,
  region: '440000',
};
const organ = { id: 'org-gz-bureau', name: '广州市某局', type: 'organ' as const, region: '440100' };
const step = (over: Record<string, unknown>) => ({
  key: 'determination#1',
  label: '确定期限（接到报告后10个工作日）',
  basis: 'Regs 25 para 2',
  responsible: provincial,
  policy: false,
  obligation: true,
  status: 'met',
  dueAt: '2025-10-22T16:00:00.000Z',
  dueFired: false,
  ...over,
});
const words = { consequences: AUTHORITY_LATE_CONSEQUENCES, reading: AUTHORITY_LATE_READING };

describe("the authorities' own lateness (Regs 72; Law 61)", () => {
  it('flags a determination (Regs 25 para 2), an objection review (policy period) and an appraisal conclusion (Regs 63) taken after their deadlines, with both articles', () => {
    const late = authorityLateness(
      [
        step({ status: 'met_late', metAt: '2025-10-24T02:00:00.000Z' }),
        step({ key: 'authority-review#2', basis: 'Regs 26 para 2', policy: true, status: 'met_late', metAt: '2025-11-30T02:00:00.000Z' }),
        step({ key: 'conclusion#3', basis: 'Regs 63 para 2', status: 'running', dueFired: true }),
      ],
      words,
    );
    expect(late.map((f) => [f.deadlineKey, f.takenAt, f.policy])).toEqual([
      ['determination#1', '2025-10-24T02:00:00.000Z', false],
      ['authority-review#2', '2025-11-30T02:00:00.000Z', true],
      ['conclusion#3', undefined, false],
    ]);
    expect(late[0]!.consequences.map((c) => c.basis)).toEqual(['Regs 72', 'Law 61']);
    expect(late[0]!.reading).toContain('本地策略');
  });

  it("flags neither a step met in time, nor a running one before its deadline, nor an organ's step (flagged by its own procedure), nor a date that ends a period", () => {
    expect(
      authorityLateness(
        [
          step({ status: 'met', metAt: '2025-10-20T02:00:00.000Z' }),
          step({ status: 'running' }),
          step({ responsible: organ, status: 'met_late', metAt: '2025-10-24T02:00:00.000Z' }),
          step({ obligation: false, status: 'running', dueFired: true }),
        ],
        words,
      ),
    ).toEqual([]);
  });
});
