import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { ROLE_LABELS } from '../../domain/labels.zh.js';
import { previewCalendarMoves } from '../calendar-preview.js';
import { ApiError } from '../problem.js';
import { scopeQuery } from '../scope.js';

const MoveSchema = z.object({
  procedureId: z.string(),
  procedureLabel: z.string(),
  reference: z.string().optional(),
  title: z.string().optional(),
  deadlineKey: z.string(),
  deadlineLabel: z.string(),
  responsible: z.object({ id: z.string(), name: z.string() }),
  from: z.string(),
  to: z.string(),
  stillProvisional: z.boolean(),
  calendarVersion: z.string(),
});
const PreviewSchema = z.object({ calendarVersion: z.string(), moves: z.array(MoveSchema) });

/**
 * What `npm run recompute-provisional` would move with the calendar in force (the file the API,
 * like the worker, reads again when it changes): no file is named by the caller. For a
 * 系统管理员 (the role the run acts under), within their party's scope: a provincial operator sees
 * its jurisdiction's cases, the national authority's every case.
 */
export const adminRoutes =
  (deps: { client: Client; calendar: () => WorkCalendar }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/admin/calendar-preview',
      {
        schema: {
          response: { 200: PreviewSchema },
          summary: '日历更新预览：按现行日历重新计算暂定期限将变更的期限（系统管理员，不作任何更改）',
          tags: ['admin'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        if (!caller.roles.includes('admin'))
          throw new ApiError(403, 'Forbidden', 'missing right: the calendar preview is for the admin role', {
            detailZh: `日历更新预览仅供${ROLE_LABELS.admin}使用。`,
          });
        const calendar = deps.calendar();
        return { calendarVersion: calendar.version, moves: await previewCalendarMoves(deps.client, calendar, scopeQuery(caller.party)) };
      },
    );
  };
