import { z } from 'zod';

/**
 * A string matching a pattern. A refinement, not zod's `.regex()`: that check resets the
 * pattern's `lastIndex` on every parse, which fails on the frozen schemas the workflows share
 * (workflows/shared-modules.ts). The pattern is kept in the JSON Schema (OpenAPI) all the same.
 */
export const matching = (pattern: RegExp, message: string) =>
  z
    .string()
    .refine((s) => pattern.test(s), message)
    .meta({ pattern: pattern.source });
