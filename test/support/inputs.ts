import { today } from './clock.js';

/**
 * A 不明确事项 start as the API takes it: the Guangzhou bureau's matter, drafted today (Beijing
 * date), proposed 秘密 for 10 years; `over` replaces any field.
 */
export const unclearMatterInput = (over: Record<string, unknown> = {}) => ({
  organId: 'org-gz-bureau',
  matterRef: 'T-1',
  title: '测试事项',
  draftedOn: today(),
  protectiveMeasures: '先行保护',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
  ...over,
});

/** A 泄密 report's start as the API takes it: the Tianhe office's lost USB stick, discovered now; `over` replaces any field. */
export const leakInput = (over: Record<string, unknown> = {}) => ({
  organId: 'org-th-office',
  incidentRef: 'L-1',
  summary: '涉密U盘遗失（非涉密简述）',
  discoveredAt: new Date().toISOString(),
  remedialMeasures: '封存相关设备',
  ...over,
});
