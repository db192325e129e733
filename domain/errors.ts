import type { z } from 'zod';

/** One line per issue: "path: message", so the user sees which field and why. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export function zodFieldErrors(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
}
