import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actorLabel, checkOccurredAt, mayRecompute, missingRole, notAFact } from '../../workflows/event-checks.js';
import type { EventSpec } from '../../machines/procedure.js';
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
      expect(refusal(check(bad))).toEqual({ field: 'occurredAt', message: expect.stringContaining('an ISO 8601 instant with its offset') });
    }
  });

  it('refuses an instant in the future', () => {
    expect(refusal(check('2025-10-01T11:00:01+08:00'))?.message).toMatch(
      /in the future; allowed: an instant up to now \(2025-10-01T03:00:00.000Z\)/,
    );
    expect(check('2025-10-01T11:00:00+08:00')).toEqual({ at: '2025-10-01T03:00:00.000Z' });
  });

  it('refuses an instant before the previous event', () => {
    const previous = { type: 'REPORT_TO_SUPERIOR', at: '2025-09-30T12:00:00.000Z' };
    expect(refusal(check('2025-09-30T19:59:00+08:00', { previous }))?.message).toMatch(
      /before the previous event \(REPORT_TO_SUPERIOR, 2025-09-30T12:00:00.000Z\)/,
    );
    expect(check('2025-09-30T20:00:00+08:00', { previous })).toEqual({ at: '2025-09-30T12:00:00.000Z' });
  });

  it("refuses an instant before the procedure's start fact: a date by its Beijing day, an instant exactly", () => {
    const drafted = { key: 'draftedOn', value: '2025-09-30' };
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

  it('an event that records no fact takes no occurredAt, and the refusal names the events that do', () => {
    const events: Record<string, EventSpec> = {
      REPORT: { label: '报告', by: ['organ'], schema: z.strictObject({}), fact: true },
      NOTE: { label: '备注', by: ['organ'], schema: z.strictObject({}) },
    };
    expect(notAFact('NOTE', events)).toEqual({
      field: 'occurredAt',
      message: 'NOTE records no fact, so it takes no occurredAt; allowed on: REPORT',
    });
  });
});

describe('roles and senders (issue 11 item 16; issue 12)', () => {
  const extend: EventSpec = { label: '经负责人批准延长', by: ['authority'], basis: 'Regs 63', schema: z.strictObject({}), role: 'head' };
  const party = { id: 'auth-440000', name: '广东省国家保密局' };

  it('an event that requires the head (负责人) refuses a sender without that role, naming the role and the article (Regs 63)', () => {
    expect(missingRole('EXTEND', extend, { ...party, person: { sub: 'u1', name: '李某' }, roles: ['secrecy-officer'] })).toBe(
      'EXTEND (经负责人批准延长) may be sent only by the 负责人 (head) of the sending party (Regs 63); 李某 holds 保密员',
    );
    expect(missingRole('EXTEND', extend, party)).toMatch(/负责人 \(head\).*the request names no person/);
    expect(missingRole('EXTEND', extend, { ...party, person: { sub: 'u2', name: '张某' }, roles: ['head'] })).toBeUndefined();
    expect(missingRole('EXTEND', { ...extend, role: undefined }, party)).toBeUndefined();
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
    expect(mayRecompute({ id: 'org-gz-bureau' }, parties)).toBe(
      'recomputeDeadlines may be sent only by an authority of this procedure (auth-440000, auth-000000) or by a 系统管理员 (admin), not by org-gz-bureau',
    );
    expect(mayRecompute({ id: 'auth-320000' }, parties)).toMatch(/not by auth-320000/);
    expect(mayRecompute(undefined, parties)).toMatch(/not by an anonymous actor/);
    expect(mayRecompute({ id: 'auth-000000' }, parties)).toBeUndefined();
    expect(mayRecompute({ id: 'auth-440000' }, parties)).toBeUndefined();
    expect(mayRecompute({ id: 'operator', roles: ['admin'] }, parties)).toBeUndefined();
  });
});
