/**
 * The project's search attributes read from a raw visibility page: the procedure list's cursor is
 * the server's page token, which only the raw listWorkflowExecutions gives (api/routes/procedures.ts;
 * everywhere else the typed client decodes them). This reads each of our typed keys with the
 * public payload converter; the SDK's own decoder is internal.
 */
import {
  defaultPayloadConverter,
  SearchAttributeType,
  TypedSearchAttributes,
  type Payload,
  type SearchAttributePair,
} from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

export function decodeAttributes(fields: Record<string, Payload> | null | undefined): TypedSearchAttributes {
  const pairs = ALL_SEARCH_ATTRIBUTES.flatMap((key) => {
    const payload = fields?.[key.name];
    if (!payload) return [];
    const value = defaultPayloadConverter.fromPayload<unknown>(payload);
    // A single Keyword may arrive as a one-element list from some servers.
    const single = Array.isArray(value) && key.type !== SearchAttributeType.KEYWORD_LIST ? value[0] : value;
    return [{ key, value: key.type === SearchAttributeType.DATETIME ? new Date(single as string) : single } as SearchAttributePair];
  });
  return new TypedSearchAttributes(pairs);
}
