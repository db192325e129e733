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
