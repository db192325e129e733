/**
 * 泄密报告: the state regions the editions share: the two 24-hour reports and the relay up the
 * authorities (Regs 61), and the authority's handling (Regs 60). The machine: leak.ts.
 */

const within24h = (id: string, label: string, responsible: string, from: string, basis: string, extra: object = {}) => ({
  id,
  label,
  rule: 'hours' as const,
  n: 24,
  from,
  basis,
  responsible,
  ...extra,
});

/**
 * Regs 61 para 2: the holder relays it one tier up within 24 hours; once the national
 * authority holds it, on to `done`.
 */
export const relaying = <T extends string>(done: T) =>
  ({
    always: { guard: 'reachedNational', target: done },
    meta: {
      label: '逐级报送中',
      responsible: 'relayHolder',
      deadline: within24h('relay', '逐级报至国家保密行政管理部门（24小时）', 'relayHolder', 'relayClockFrom', 'Regs 61 para 2', {
        instanceFrom: 'relayIndex',
      }),
    },
    on: {
      RELAY: {
        target: 'relaying',
        reenter: true,
        actions: ['relayUp', { type: 'notify', params: { to: 'relayHolder', subject: 'leak-relayed', basis: 'Regs 61 para 2' } }],
      },
    },
  }) as const;

/**
 * Regs 60: the secrecy authority's own steps, each told to the organ or network operator
 * concerned, wherever the procedure is open. A network operator's case has such an authority only
 * when it reported to one (Law 34; Regs 39): a 公安机关 or 国家安全机关 acts under its own law.
 */
const authorityStep = (subject: string) =>
  ({
    guard: 'secrecyAuthorityHolds',
    actions: ['recordStep', { type: 'notify', params: { to: 'organ', subject, basis: 'Regs 60' } }],
  }) as const;
export const authoritySteps = {
  ORDER_STOP: authorityStep('leak-order-stop'),
  DECIDE_PENALTY: authorityStep('leak-penalty'),
  PROPOSE_HANDLING: authorityStep('leak-handling-proposal'),
  REFER: authorityStep('leak-referred'),
} as const;

/**
 * Regs 61: the two 24-hour reports (para 1), from discovery (editions 1–3) or from the organ's
 * knowledge (edition 4, Law 47), and the relay from the first local receipt (para 2).
 */
export const reportRegionsFrom = (from: 'discoveredAt' | 'knownAt') =>
  ({
    toAuthority: {
      meta: { label: '向同级保密行政管理部门报告' },
      initial: 'pending',
      states: {
        pending: {
          meta: {
            label: '待向同级保密行政管理部门报告',
            responsible: 'organ',
            deadline: within24h('report-authority', '向同级保密行政管理部门报告（24小时）', 'organ', from, 'Regs 61 para 1'),
          },
          on: {
            REPORT_TO_AUTHORITY: {
              target: 'reported',
              actions: [
                { type: 'judgeReport', params: { deadlineId: 'report-authority', obligation: '向同级保密行政管理部门报告' } },
                { type: 'notify', params: { to: 'authority', subject: 'leak-reported', basis: 'Regs 61 para 1' } },
              ],
            },
            DEADLINE_PASSED: {
              guard: { type: 'passed', params: { id: 'report-authority' } },
              actions: { type: 'flagUnreported', params: { deadlineId: 'report-authority', obligation: '向同级保密行政管理部门报告' } },
            },
          },
        },
        reported: { type: 'final', meta: { label: '已向同级保密行政管理部门报告' } },
      },
    },
    toSuperior: {
      meta: { label: '向上级主管部门报告' },
      initial: 'check',
      states: {
        check: {
          meta: { label: '查明有无上级主管部门' },
          always: [{ guard: 'hasSuperior', target: 'pending' }, { target: 'notApplicable' }],
        },
        pending: {
          meta: {
            label: '待向上级主管部门报告',
            responsible: 'organ',
            deadline: within24h('report-superior', '向上级主管部门报告（24小时）', 'organ', from, 'Regs 61 para 1'),
          },
          on: {
            REPORT_TO_SUPERIOR: {
              target: 'reported',
              actions: [
                { type: 'judgeReport', params: { deadlineId: 'report-superior', obligation: '向上级主管部门报告' } },
                { type: 'notify', params: { to: 'superior', subject: 'leak-reported', basis: 'Regs 61 para 1' } },
              ],
            },
            DEADLINE_PASSED: {
              guard: { type: 'passed', params: { id: 'report-superior' } },
              actions: { type: 'flagUnreported', params: { deadlineId: 'report-superior', obligation: '向上级主管部门报告' } },
            },
          },
        },
        reported: { type: 'final', meta: { label: '已向上级主管部门报告' } },
        notApplicable: { type: 'final', meta: { label: '无上级主管部门' } },
      },
    },
    relay: {
      meta: { label: '逐级报送' },
      initial: 'waiting',
      states: {
        waiting: {
          meta: { label: '待首次接报' },
          on: { REPORT_TO_AUTHORITY: { target: 'relaying', actions: 'receive' } },
        },
        relaying: relaying('relayed'),
        relayed: { type: 'final', meta: { label: '已报至国家保密行政管理部门' } },
      },
    },
  }) as const;
export const reportRegions = reportRegionsFrom('discoveredAt');

/** Edition 4, Regs 60: the authority's handling, recorded when its investigation ends (a decision, a proposal, a transfer, or none needed). */
const concluding = (subject: string) => ({ target: 'handled' as const, ...authorityStep(subject) });
export const handlingRegion = {
  meta: { label: '保密行政管理部门调查处理' },
  initial: 'investigating',
  states: {
    investigating: {
      meta: { label: '保密行政管理部门调查处理中', responsible: 'authority', basis: 'Regs 60' },
      on: {
        DECIDE_PENALTY: concluding('leak-penalty'),
        PROPOSE_HANDLING: concluding('leak-handling-proposal'),
        REFER: concluding('leak-referred'),
        CONCLUDE_NO_ACTION: concluding('leak-no-action'),
      },
    },
    handled: { type: 'final', meta: { label: '保密行政管理部门已作出处理' } },
  },
} as const;
