import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { procedureOf } from '../../machines/index.js';
import { AUDIT_KIND_LABELS, subjectText } from '../../domain/labels.zh.js';
import { basisText } from '../../domain/citation.js';
import { listInbox, markRead, messageId, parseMessageId, unreadCount, type InboxMessage, type Reader } from '../../records/inbox.js';
import type { RecordStore } from '../../records/store.js';
import { caseHeadline } from '../case-headlines.js';
import { ApiError } from '../problem.js';
import { PageSizeParam } from '../query-params.js';
import type { Caller } from '../auth.js';
import { InboxPageSchema, InboxReadSchema, InboxUnreadSchema } from '../case-file-schemas.js';

const InboxQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional().describe('true：只列本人未读的消息 / only the messages this person has not read'),
  pageSize: PageSizeParam,
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'an opaque cursor from a previous page')
    .optional(),
});
const MessageParams = z.strictObject({ id: z.string().max(100) });

const readerOf = (c: Caller): Reader => ({ party: c.party.id, sub: c.person.sub });
const NOT_FOUND = (id: string) =>
  new ApiError(404, 'Not found', `no message ${id} in your party's inbox`, { detailZh: '未找到该消息，或其不是发给本单位的。' });

/** A message as the page shows it: the case by its name, reference and title; the subject and article in words. */
function messageOut(m: InboxMessage) {
  const def = procedureOf(m.kind);
  const { entry } = m;
  return {
    id: messageId(m.procedureId, entry.id),
    procedureId: m.procedureId,
    procedureKind: m.kind,
    procedureLabel: def?.label ?? m.kind,
    ...(def ? caseHeadline(def, m.context) : {}),
    type: entry.kind,
    typeText: AUDIT_KIND_LABELS[entry.kind],
    subjectText: subjectText(entry.subject),
    ...(entry.basis ? { basisText: basisText(entry.basis)! } : {}),
    ...(entry.by ? { byText: entry.by } : {}),
    at: entry.at,
    read: !!m.readAt,
    ...(m.readAt ? { readAt: m.readAt } : {}),
  };
}

/**
 * The 收件箱 (issue 27): the caller's party's messages from the record, and this person's read
 * state. Exactly the caller's party: an authority sees the cases of its jurisdiction, never the
 * mail of the parties in it.
 */
export const inboxRoutes =
  (records: RecordStore): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/inbox',
      {
        schema: {
          querystring: InboxQuery,
          response: { 200: InboxPageSchema },
          summary: '收件箱：发给本单位的通知、提醒、督办（新的在前），及本人是否已读',
          tags: ['inbox'],
        },
      },
      async (req) => {
        const who = readerOf(await req.authenticate());
        let page;
        try {
          page = await listInbox(records.pool, who, {
            size: req.query.pageSize,
            cursor: req.query.cursor,
            unread: req.query.unread === 'true',
          });
        } catch (e) {
          if (e instanceof RangeError || e instanceof SyntaxError)
            throw new ApiError(400, 'Invalid request', 'querystring.cursor: not a cursor of this list', {
              detailZh: '请求有误：翻页标记无效，请从第一页重新查看。',
            });
          throw e;
        }
        return { items: page.items.map(messageOut), unread: await unreadCount(records.pool, who), nextCursor: page.nextCursor };
      },
    );
    app.get(
      '/api/inbox/unread',
      { schema: { response: { 200: InboxUnreadSchema }, summary: '收件箱中本人未读的消息数（工作台显示）', tags: ['inbox'] } },
      async (req) => ({ unread: await unreadCount(records.pool, readerOf(await req.authenticate())) }),
    );
    app.post(
      '/api/inbox/:id/read',
      {
        schema: { params: MessageParams, response: { 200: InboxReadSchema }, summary: '将一条消息标为本人已读', tags: ['inbox'] },
      },
      async (req) => {
        const caller = await req.authenticate();
        const target = parseMessageId(req.params.id);
        const readAt = target && (await markRead(records.pool, readerOf(caller), target.procedureId, target.digest));
        if (!readAt) throw NOT_FOUND(req.params.id);
        return { id: req.params.id, read: true as const, readAt };
      },
    );
  };
