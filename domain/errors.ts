import type { z } from 'zod';

/** One line per issue: "path: message", so the user sees which field and why. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export function zodFieldErrors(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(root)', message: i.message }));
}

/** The statute does not give the party the standing it claims (e.g. to apply, Regs 63): the API answers 403. */
export class NotEntitledError extends Error {
  override name = 'NotEntitledError';
}
