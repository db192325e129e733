import { z } from 'zod';

/** Filters the board and the list share: a region code or prefix, a registry id. */
export const RegionPrefixParam = z
  .string()
  .regex(/^\d{2}(\d{2}(\d{2})?)?$/, 'a region code or prefix: 2, 4 or 6 digits')
  .optional();
export const RegistryIdParam = z
  .string()
  .regex(/^[a-z0-9-]{1,60}$/, 'a registry id')
  .optional();

/** A page's size, the lists' one rule (50 by default, at most 200). */
export const PageSizeParam = z.coerce.number().int().min(1).max(200).default(50);

/** The next page's token as the list and the history answered it (base64url, no other character). */
export const PageCursorParam = z
  .string()
  .max(2000)
  .regex(/^[\w-]*$/, 'an opaque cursor from a previous page')
  .optional();
