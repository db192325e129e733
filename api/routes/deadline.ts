import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import { explainDeadline } from '../../domain/deadline/explain.js';
import { DeadlineError, RuleSchema } from '../../domain/deadline/types.js';
import { ApiError } from '../problem.js';
import { DeadlineAnswerSchema } from '../response-schemas.js';

const DeadlineQuery = z.strictObject({
  rule: RuleSchema.describe('计算规则：working-days 工作日 · calendar-days 日 · months 月 · years 年 · hours 小时'),
  n: z.coerce.number().int().min(1).max(36_500),
  from: z.string().max(40).describe('起算日 YYYY-MM-DD；按小时计的，为带时区的时刻 (start date, or instant for hours)'),
  extension: z
    .union([z.coerce.number().int().min(1).max(3650), z.array(z.coerce.number().int().min(1).max(3650)).max(10)])
    .optional()
    .describe('延长的天数，可重复 (extension days, repeatable)'),
});

/** The what-if calculator of the time engine (SPEC §2). */
export const deadlineRoutes =
  (calendar: () => WorkCalendar): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/deadline',
      {
        schema: { querystring: DeadlineQuery, response: { 200: DeadlineAnswerSchema }, summary: '期限计算（what-if）', tags: ['deadline'] },
      },
      async (req) => {
        const q = req.query;
        const extensions = (q.extension === undefined ? [] : Array.isArray(q.extension) ? q.extension : [q.extension]).map((days) => ({
          days,
        }));
        try {
          const cal = calendar();
          const d = computeDeadline(cal, { rule: q.rule, n: q.n, from: q.from, extensions });
          return { ...d, explanation: explainDeadline(cal, d) };
        } catch (e) {
          if (e instanceof DeadlineError || e instanceof RangeError) {
            const field = (e as DeadlineError).field ?? 'from';
            throw new ApiError(400, 'Invalid request', e.message, { fieldErrors: [{ field, message: e.message }] });
          }
          throw e;
        }
      },
    );
  };
