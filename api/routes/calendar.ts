import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Registry } from '../../domain/registry/registry.js';
import { CalendarSubscriptions, openProceduresOf } from '../../records/calendar-subscriptions.js';
import type { RecordStore } from '../../records/store.js';
import { calendarFeed } from '../calendar-feed.js';
import { ApiError } from '../problem.js';
import type { Caller } from '../auth.js';
import { CalendarSubscriptionSchema } from '../case-file-schemas.js';

/** The feed's route: public (calendar clients send no bearer token), so the anonymous rate limit applies. */
export const CALENDAR_FEED_ROUTE = '/api/calendar/feeds/:file';

const readerOf = (c: Caller) => ({ party: c.party.id, sub: c.person.sub, name: c.person.name });

/**
 * 日历订阅 (issue 27): each person's secret feed URL, issued (shown once), looked at, revoked; and the
 * feed itself, the person's party's open deadlines, built afresh from the record at each fetch.
 */
export const calendarRoutes =
  (records: RecordStore, registry: Registry): FastifyPluginAsyncZod =>
  async (app) => {
    const subscriptions = new CalendarSubscriptions(records.pool);
    const tags = ['calendar'];
    app.get(
      '/api/calendar/subscription',
      { schema: { response: { 200: CalendarSubscriptionSchema }, summary: '本人的日历订阅：是否有效、何时生成、最近一次被拉取', tags } },
      async (req) => {
        const current = await subscriptions.current(readerOf(await req.authenticate()));
        return current ? { active: true, ...current } : { active: false };
      },
    );
    app.post(
      '/api/calendar/subscription',
      {
        schema: {
          response: { 201: CalendarSubscriptionSchema },
          summary: '生成本人的日历订阅地址（仅此一次显示；原地址随即作废）',
          tags,
        },
      },
      async (req, reply) => {
        const token = await subscriptions.issue(readerOf(await req.authenticate()));
        const url = `${req.protocol}://${req.host}${CALENDAR_FEED_ROUTE.replace(':file', `${token}.ics`)}`;
        return reply.status(201).send({ active: true, createdAt: new Date().toISOString(), url });
      },
    );
    app.delete(
      '/api/calendar/subscription',
      { schema: { response: { 200: CalendarSubscriptionSchema }, summary: '作废本人的日历订阅地址', tags } },
      async (req) => {
        await subscriptions.revoke(readerOf(await req.authenticate()));
        return { active: false };
      },
    );
    // text/calendar, not JSON: documented in docs/calendar-and-inbox.md, hidden from the OpenAPI document.
    app.get(CALENDAR_FEED_ROUTE, { schema: { hide: true, params: z.strictObject({ file: z.string().max(80) }) } }, async (req, reply) => {
      const owner = await subscriptions.open(req.params.file.replace(/\.ics$/, ''));
      if (owner === 'unknown')
        throw new ApiError(404, 'Not found', 'no calendar feed at this address', { detailZh: '该日历订阅地址不存在。' });
      if (owner === 'revoked')
        throw new ApiError(410, 'Gone', 'this calendar feed was revoked', { detailZh: '该日历订阅地址已作废，请在“日历订阅”页重新生成。' });
      // A party the registry no longer lists has no feed.
      const partyName =
        registry.data.organs.find((o) => o.id === owner.party)?.name ?? registry.data.authorities.find((a) => a.id === owner.party)?.name;
      if (!partyName)
        throw new ApiError(410, 'Gone', 'the party of this calendar feed is no longer in the registry', {
          detailZh: '该日历订阅所属单位已不在登记簿中。',
        });
      const ics = calendarFeed({
        party: owner.party,
        calName: `保密法定程序期限 · ${partyName} ${owner.name}`,
        procedures: await openProceduresOf(records.pool, owner.party),
        caseUrl: (id) => `${req.protocol}://${req.host}/#/p/${encodeURIComponent(id)}`,
      });
      return reply.type('text/calendar; charset=utf-8').header('content-disposition', 'inline; filename="baomi-deadlines.ics"').send(ics);
    });
  };
