import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes: non-sensitive metadata only (SPEC §5), no free text. */
export const SA = {
  kind: defineSearchAttributeKey('BmKind', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('BmState', SearchAttributeType.KEYWORD),
  responsible: defineSearchAttributeKey('BmResponsible', SearchAttributeType.KEYWORD),
  tier: defineSearchAttributeKey('BmTier', SearchAttributeType.KEYWORD),
  region: defineSearchAttributeKey('BmRegion', SearchAttributeType.KEYWORD),
  /** Jurisdiction prefixes of every party's region: ['44', '4401', '440106', …]. */
  regionScope: defineSearchAttributeKey('BmRegionScope', SearchAttributeType.KEYWORD_LIST),
  /** Ids of every party of the procedure. */
  parties: defineSearchAttributeKey('BmParties', SearchAttributeType.KEYWORD_LIST),
  organ: defineSearchAttributeKey('BmOrgan', SearchAttributeType.KEYWORD),
  nextDeadline: defineSearchAttributeKey('BmNextDeadline', SearchAttributeType.DATETIME),
  deadlineStatus: defineSearchAttributeKey('BmDeadlineStatus', SearchAttributeType.KEYWORD),
  /** Rule of the next deadline (working-days, calendar-days, …, hours): how its time left is counted. */
  deadlineRule: defineSearchAttributeKey('BmDeadlineRule', SearchAttributeType.KEYWORD),
  provisional: defineSearchAttributeKey('BmProvisional', SearchAttributeType.BOOL),
  closed: defineSearchAttributeKey('BmClosed', SearchAttributeType.BOOL),
  /** A notification channel failed after its retries (reported on the dashboard). */
  deliveryFailed: defineSearchAttributeKey('BmDeliveryFailed', SearchAttributeType.BOOL),
  /** Workflow time of the last change: the board's watermark (api/board.ts reads what changed since). */
  updatedAt: defineSearchAttributeKey('BmUpdatedAt', SearchAttributeType.DATETIME),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** The server's own, on every run a Schedule starts: which schedule, and the instant it was due (not registered: built in). */
export const SCHEDULED = {
  by: defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD),
  at: defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME),
} as const;

/** `--search-attribute` flags for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  const names: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', DATETIME: 'Datetime', BOOL: 'Bool' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${names[k.type]}`]);
}

/** temporal.api.enums.v1.IndexedValueType of each attribute, for OperatorService.addSearchAttributes. */
export function indexedValueTypes(keys = ALL_SEARCH_ATTRIBUTES): Record<string, number> {
  const code: Record<string, number> = { KEYWORD: 2, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };
  return Object.fromEntries(keys.map((k) => [k.name, code[k.type]!]));
}
