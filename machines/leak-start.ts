/**
 * 泄密报告: what a leak procedure is started with (the discovery, the reports already made) and the
 * events it takes (Regs 61; Law 47; Regs 60; Law 34; Regs 39). The machine: leak.ts.
 */
import { z } from 'zod';
import { parseInstant } from '../domain/time.js';
import { shortText } from './common.js';
import type { DriverInput, ProcedureDefinition } from './procedure.js';

const Instant = z.string().refine((s) => {
  try {
    parseInstant(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an ISO 8601 instant with its offset, e.g. 2025-09-30T21:30:00+08:00');

export const LeakStartSchema = z
  .strictObject({
    organId: z.string().min(1).describe('发现泄密的机关、单位（网络运营者）'),
    incidentRef: shortText(50).describe('事件编号'),
    summary: shortText().describe('事件概况（非涉密简述）'),
    discoveredAt: Instant.describe('发现时刻：发现人发现泄露或者可能泄露的时刻（含时区）'),
    /** Law 47: the organ knows once the person who found it reports (edition 4); absent, the organ found it itself. */
    knownAt: Instant.optional().describe('机关、单位获知时刻：接到发现人报告的时刻（含时区；本单位自行发现的不填）'),
    /** Optional (edition 4): a start before any measure is taken; RECORD_MEASURES records the first later. */
    remedialMeasures: shortText().optional().describe('已采取的补救措施：尚未采取的不填'),
    measuresTakenAt: Instant.optional().describe('补救措施首次采取的时刻：含时区；不填为机关、单位获知时刻'),
    variant: z
      .enum(['organ', 'network-operator'])
      .default('organ')
      .describe('报告主体：机关、单位（Regs 61）或网络运营者（Law 34；Regs 39）'),
    receiverId: z
      .string()
      .min(1)
      .optional()
      .describe('网络运营者选择的接报机关：登记簿中的保密行政管理部门，或公安机关、国家安全机关（Law 34；Regs 39）'),
  })
  .superRefine((s, ctx) => {
    // Law 47: the organ learns of it from the person who found it, so not before.
    for (const key of ['knownAt', 'measuresTakenAt'] as const) {
      const value = s[key];
      if (value !== undefined && Date.parse(value) < Date.parse(s.discoveredAt))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} ${value} is before discoveredAt ${s.discoveredAt}; allowed: from it on`,
        });
    }
    if (s.measuresTakenAt !== undefined && s.remedialMeasures === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['remedialMeasures'],
        message: 'measuresTakenAt says when the measures stated here were first taken: state them',
      });
    if (s.variant === 'network-operator' && !s.receiverId) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiverId'],
        message:
          'a network operator names whom it reports to: a secrecy authority, or a 公安机关 or 国家安全机关, from the registry (Law 34; Regs 39)',
      });
    }
    if (s.variant === 'organ' && s.receiverId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['receiverId'],
        message:
          'only a network operator chooses whom it reports to (variant "network-operator"); an organ reports to its same-level authority and its superior (Regs 61 para 1)',
      });
    }
  });
export type LeakStart = z.infer<typeof LeakStartSchema>;

const report = z.strictObject({ reportNumber: shortText(50).optional() });

export const leakEvents = {
  REPORT_TO_AUTHORITY: { label: '向同级保密行政管理部门报告', by: ['organ'], basis: 'Regs 61 para 1', schema: report, fact: true },
  REPORT_TO_SUPERIOR: { label: '向上级主管部门报告', by: ['organ'], basis: 'Regs 61 para 1', schema: report, fact: true },
  REPORT_TO_RECEIVER: {
    label: '网络运营者向保密行政管理部门或公安机关、国家安全机关报告',
    by: ['organ'],
    basis: 'Law 34; Regs 39',
    schema: report,
    fact: true,
  },
  RECORD_MEASURES: {
    label: '记录补救措施',
    by: ['organ'],
    basis: 'Regs 61 para 1; Regs 39',
    schema: z.strictObject({ measures: shortText() }),
    fact: true,
    max: 500,
  },
  RELAY: { label: '逐级报至上一级保密行政管理部门', by: ['relayHolder'], basis: 'Regs 61 para 2', schema: report, fact: true },
  REPORT_RESULT: {
    label: '书面告知同级保密行政管理部门处理结果',
    by: ['organ'],
    basis: 'Regs 60',
    schema: z.strictObject({ result: shortText() }),
    fact: true,
  },
  // Edition 4: the investigation ended with no one to hold responsible (Regs 60 调查工作结束后, 本地策略: the statute names no such record).
  CONCLUDE_NO_ACTION: {
    label: '调查处理结束，无需追究责任',
    by: ['authority'],
    basis: 'Regs 60; 本地策略',
    schema: z.strictObject({ note: shortText() }),
    fact: true,
  },
  // Edition 4, Regs 71 para 3(3): a licensed enterprise's late report or measures is put to the authority that granted its licence.
  // Edition 6: a binding decision, signed by the licensing authority's 负责人 (policy headSignOff, 本地策略).
  REVOKE_LICENCE: {
    label: '吊销保密资质',
    by: ['licensor'],
    basis: 'Regs 71 para 3(3)',
    signOff: { sinceEdition: 6 },
    schema: z.strictObject({ decision: shortText().describe('吊销决定（文号、简述）') }),
    fact: true,
  },
  DECLINE_REVOCATION: {
    label: '不予吊销保密资质（说明理由）',
    by: ['licensor'],
    // Regs 71 para 3 says 并处吊销 and names no alternative: declining is a reading (本地策略), as in 年度自检.
    basis: 'Regs 71 para 3(3); 本地策略',
    signOff: { sinceEdition: 6 },
    schema: z.strictObject({ reason: shortText().describe('不予吊销的理由') }),
    fact: true,
  },
  // The authority's own steps (Regs 60): 责令停止、行政处罚决定或处理建议、移送.
  ORDER_STOP: {
    label: '责令停止违法行为、采取有效补救措施',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ order: shortText() }),
    fact: true,
    max: 50,
  },
  DECIDE_PENALTY: {
    label: '作出行政处罚决定',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ decision: shortText() }),
    fact: true,
    max: 50,
  },
  PROPOSE_HANDLING: {
    label: '提出处理建议',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({ proposal: shortText() }),
    fact: true,
    max: 50,
  },
  REFER: {
    label: '涉嫌犯罪，移送监察机关、司法机关处理',
    by: ['authority'],
    basis: 'Regs 60',
    schema: z.strictObject({
      to: z.enum(['supervisory', 'judicial']).describe('监察机关 (supervisory) 或司法机关 (judicial)'),
      note: shortText(),
    }),
    fact: true,
    max: 50,
  },
} satisfies ProcedureDefinition['events'];

export type LeakInput = LeakStart & DriverInput;
