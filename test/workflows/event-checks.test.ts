import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actorLabel, checkOccurredAt, checkStartFacts, mayRecompute, missingRole, notAFact } from '../../workflows/event-checks.js';
import { PROCEDURES } from '../../machines/index.js';
import { requiredRole, sendersOf, type EventSpec } from '../../machines/procedure.js';
import type { PartyRef } from '../../domain/parties.js';

const now = Date.parse('2025-10-01T03:00:00Z'); // 11:00 Beijing time
const check = (value: unknown, o: Partial<Parameters<typeof checkOccurredAt>[1]> = {}) => checkOccurredAt(value, { now, ...o });
const refusal = (r: ReturnType<typeof checkOccurredAt>) => ('error' in r ? r.error : undefined);

describe('when it happened: occurredAt of a fact event (SPEC §2)', () => {
  it('takes an instant with its offset and gives it to the machine in UTC', () => {
    expect(check('2025-09-30T20:00:00+08:00')).toEqual({ at: '2025-09-30T12:00:00.000Z' });
  });

  it('refuses what is not an instant with an offset, naming the field and what is allowed', () => {
    for (const bad of ['2025-09-30T20:00:00', '2025-09-30', 'yesterday', 1759233600000, null]) {
      expect(refusal(check(bad))).toEqual({
        field: 'occurredAt',
        message: expect.stringContaining('an ISO 8601 instant with its offset'),
        messageZh: expect.stringContaining('实际发生时刻应为含时区的时刻'),
      });
    }
  });

  it('refuses an instant in the future', () => {
    expect(refusal(check('2025-10-01T11:00:01+08:00'))?.message).toMatch(
      /in the future; allowed: an instant up to now \(2025-10-01T03:00:00.000Z\)/,
    );
    expect(refusal(check('2025-10-01T11:00:01+08:00'))?.messageZh).toBe(
      '实际发生时刻 2025-10-01 11:00 北京时间 晚于现在（2025-10-01 11:00 北京时间），不能采用。',
    );
    expect(check('2025-10-01T11:00:00+08:00')).toEqual({ at: '2025-10-01T03:00:00.000Z' });
  });

  it('refuses an instant before the previous event', () => {
    const previous = { type: 'REPORT_TO_SUPERIOR', at: '2025-09-30T12:00:00.000Z', label: '向上级报告' };
    expect(refusal(check('2025-09-30T19:59:00+08:00', { previous }))?.message).toMatch(
      /before the previous event \(REPORT_TO_SUPERIOR, 2025-09-30T12:00:00.000Z\)/,
    );
    expect(refusal(check('2025-09-30T19:59:00+08:00', { previous }))?.messageZh).toBe(
      '实际发生时刻 2025-09-30 19:59 北京时间 早于上一事件「向上级报告」（2025-09-30 20:00 北京时间），应在其后。',
    );
    expect(check('2025-09-30T20:00:00+08:00', { previous })).toEqual({ at: '2025-09-30T12:00:00.000Z' });
  });

  it("refuses an instant before the procedure's start fact: a date by its Beijing day, an instant exactly", () => {
    const drafted = { key: 'draftedOn', value: '2025-09-30' };
    expect(refusal(check('2025-09-29T23:59:00+08:00', { startFact: drafted }))?.messageZh).toBe(
      '实际发生时刻 2025-09-29 23:59 北京时间 早于程序的起始事实（拟定日期 2025-09-30），应在该日或其后。',
    );
    expect(refusal(check('2025-09-29T23:59:00+08:00', { startFact: drafted }))?.message).toMatch(
      /Beijing date 2025-09-29\) is before the procedure's start fact \(draftedOn 2025-09-30\); allowed: from 2025-09-30/,
    );
    // 2025-09-29T16:30Z is already 30 September in Beijing.
    expect(check('2025-09-29T16:30:00Z', { startFact: drafted })).toEqual({ at: '2025-09-29T16:30:00.000Z' });
    const discovered = { key: 'discoveredAt', value: '2025-09-30T10:00:00+08:00' };
    expect(refusal(check('2025-09-30T09:59:00+08:00', { startFact: discovered }))?.message).toMatch(
      /start fact \(discoveredAt 2025-09-30T10:00:00\+08:00\)/,
    );
    expect(check('2025-09-30T10:00:00+08:00', { startFact: discovered })).toEqual({ at: '2025-09-30T02:00:00.000Z' });
  });

  it('a start fact may not lie in the future: a date by its Beijing day (today allowed), an instant up to now; every machine declares its start facts', () => {
    // now: 2025-10-01 11:00 Beijing time.
    expect(checkStartFacts(['draftedOn'], { draftedOn: '2025-10-01' }, now)).toEqual([]);
    expect(checkStartFacts(['draftedOn'], { draftedOn: '2025-10-02' }, now)).toEqual([
      {
        field: 'draftedOn',
        message:
          '2025-10-02 is in the future (today is 2025-10-01, Beijing time): a start fact records what has happened (SPEC §2); allowed: a date up to 2025-10-01',
        messageZh:
          '拟定日期 2025-10-02 晚于今天（北京时间 2025-10-01），不能采用：应填写已经发生的日期，即 2025-10-01 或以前。本次未启动程序。',
      },
    ]);
    expect(checkStartFacts(['discoveredAt'], { discoveredAt: '2025-10-01T11:00:00+08:00' }, now)).toEqual([]);
    expect(checkStartFacts(['discoveredAt'], { discoveredAt: '2025-10-01T11:00:01+08:00' }, now)).toEqual([
      expect.objectContaining({
        field: 'discoveredAt',
        message: expect.stringContaining('allowed: an instant up to now (2025-10-01T03:00:00.000Z)'),
      }),
    ]);
    // The start facts a start form enters: the definitions' startFact where the start input holds it.
    const entered = (d: (typeof PROCEDURES)[keyof typeof PROCEDURES]) =>
      JSON.stringify(z.toJSONSchema(d.input, { io: 'input', unrepresentable: 'any' })).includes(`"${d.startFact}"`) ? [d.startFact] : [];
    const declared = Object.fromEntries(Object.values(PROCEDURES).map((d) => [d.kind, entered(d)]));
    expect(declared).toEqual({
      'unclear-matter': ['draftedOn'],
      objection: ['filedOn'],
      leak: ['discoveredAt'],
      appraisal: ['appliedOn'],
      'annual-inspection': [], // started by the schedule for the year: no fact entered (its reportFrom is derived)
      correction: ['notifiedOn'],
    });
  });

  it('an event that records no fact takes no occurredAt, and the refusal names the events that do', () => {
    const events: Record<string, EventSpec> = {
      REPORT: { label: '报告', by: ['organ'], schema: z.strictObject({}), fact: true },
      NOTE: { label: '备注', by: ['organ'], schema: z.strictObject({}) },
    };
    expect(notAFact('NOTE', events)).toEqual({
      field: 'occurredAt',
      message: 'NOTE records no fact, so it takes no occurredAt; allowed on: REPORT',
      messageZh: '「备注」不记录事实，不填写实际发生时刻；可填写的事项为：「报告」。',
    });
  });
});

describe('roles and senders (issue 11 item 16; issue 12)', () => {
  const extend: EventSpec = { label: '经负责人批准延长', by: ['authority'], basis: 'Regs 63', schema: z.strictObject({}), role: 'head' };
  const party = { id: 'auth-440000', name: '广东省国家保密局' };

  it('an event that requires the head (负责人) refuses a sender without that role, naming the role and the article (Regs 63)', () => {
    expect(
      missingRole('EXTEND', extend, requiredRole(extend, {}), {
        ...party,
        person: { sub: 'u1', name: '李某' },
        roles: ['secrecy-officer'],
      }),
    ).toEqual({
      message: 'EXTEND (经负责人批准延长) may be sent only by the 负责人 (head) of the sending party (Regs 63); 李某 holds 保密员',
      messageZh: '「经负责人批准延长」须由办理单位的负责人本人办理（《实施条例》第六十三条）；李某的角色为保密员。本次未作记录。',
    });
    expect(missingRole('EXTEND', extend, requiredRole(extend, {}), party)?.message).toMatch(/负责人 \(head\).*the request names no person/);
    expect(missingRole('EXTEND', extend, requiredRole(extend, {}), party)?.messageZh).toContain('请求未表明办理人');
    expect(
      missingRole('EXTEND', extend, requiredRole(extend, {}), { ...party, person: { sub: 'u2', name: '张某' }, roles: ['head'] }),
    ).toBeUndefined();
    expect(missingRole('EXTEND', { ...extend, role: undefined }, requiredRole({ ...extend, role: undefined }, {}), party)).toBeUndefined();
  });

  it('a binding decision (signOff) needs the 负责人 from edition 5 while the policy headSignOff holds (本地策略), naming the rule', () => {
    const decide: EventSpec = { label: '作出决定', by: ['authority'], basis: 'Regs 25 para 2', schema: z.strictObject({}), signOff: true };
    const officer = { ...party, person: { sub: 'u1', name: '李某' }, roles: ['secrecy-officer' as const] };
    expect(requiredRole(decide, { edition: 4, policy: { headSignOff: true } })).toBeUndefined();
    expect(requiredRole(decide, { edition: 5, policy: { headSignOff: false } })).toBeUndefined();
    const required = requiredRole(decide, { edition: 5, policy: { headSignOff: true } });
    expect(required).toMatchObject({ role: 'head', signOff: true });
    expect(missingRole('DETERMINE', decide, required, officer)?.messageZh).toBe(
      '「作出决定」是保密行政管理部门具有约束力的决定，须经负责人签发，由负责人本人办理，经办人不能单独办理（本地策略，参照《实施条例》第六十三条由负责人批准的做法）；李某的角色为保密员。本次未作记录。',
    );
    expect(missingRole('DETERMINE', decide, required, { ...officer, roles: ['head'] })).toBeUndefined();
  });

  it('an event narrowed from an edition on (Regs 26 para 2(2), edition 4) names its senders by edition', () => {
    const appeal = PROCEDURES.objection.events.APPEAL!;
    expect(sendersOf(appeal, { edition: 3 })).toEqual(['objector', 'classifier']);
    expect(sendersOf(appeal, { edition: 4 })).toEqual(['objector']);
  });

  it('the audit trail names the person and the party acting: 广东省国家保密局 张某（负责人）', () => {
    expect(actorLabel({ ...party, person: { sub: 'u2', name: '张某' }, roles: ['head', 'secrecy-officer'] }, 'head')).toBe(
      '广东省国家保密局 张某（负责人）',
    );
    expect(actorLabel({ ...party, person: { sub: 'u3', name: '王某' }, roles: ['secrecy-officer'] })).toBe(
      '广东省国家保密局 王某（保密员）',
    );
    expect(actorLabel(party)).toBeUndefined();
  });

  it('deadlines are recomputed only by an authority of the procedure or an admin, never by an organ', () => {
    const ref = (id: string, type: 'organ' | 'authority'): PartyRef => ({ id, name: id, type, tier: 'provincial', region: '440000' });
    const parties = {
      organ: ref('org-gz-bureau', 'organ'),
      authority: ref('auth-440000', 'authority'),
      national: ref('auth-000000', 'authority'),
    };
    expect(mayRecompute({ id: 'org-gz-bureau' }, parties)).toEqual({
      message:
        'recomputeDeadlines may be sent only by an authority of this procedure (auth-440000, auth-000000) or by a 系统管理员 (admin), not by org-gz-bureau',
      messageZh: '只有本程序的保密行政管理部门（auth-440000、auth-000000）或系统管理员可以重算期限。本次未作记录。',
    });
    expect(mayRecompute({ id: 'auth-320000' }, parties)?.message).toMatch(/not by auth-320000/);
    expect(mayRecompute(undefined, parties)?.message).toMatch(/not by an anonymous actor/);
    expect(mayRecompute({ id: 'auth-000000' }, parties)).toBeUndefined();
    expect(mayRecompute({ id: 'auth-440000' }, parties)).toBeUndefined();
    expect(mayRecompute({ id: 'operator', roles: ['admin'] }, parties)).toBeUndefined();
  });
});
