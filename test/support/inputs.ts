import { shanghaiDateOf } from '../../domain/time.js';

/**
 * A 不明确事项 start as the API takes it: the Guangzhou bureau's matter, drafted today (Beijing
 * date), proposed 秘密 for 10 years; `over` replaces any field.
 */
export const unclearMatterInput = (over: Record<string, unknown> = {}) => ({
  organId: 'org-gz-bureau',
  matterRef: 'T-1',
  title: '测试事项',
  draftedOn: shanghaiDateOf(Date.now()),
  protectiveMeasures: '先行保护',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
  ...over,
});
