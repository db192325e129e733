import pino from 'pino';

const base = pino({ name: 'worker', level: process.env.LOG_LEVEL?.toLowerCase() ?? 'warn' });

/** The activities' logger: every line carries the procedure it serves. */
export const procedureLog = (procedureId: string, activity: string) => base.child({ procedureId, activity });
