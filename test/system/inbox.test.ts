import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStore } from '../../records/store.js';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';

let stack: Stack;
/** The restarted API's own connection pool to the record database. */
let restarted: RecordStore | undefined;
beforeAll(async () => {
  stack = await startStack('inbox-test');
});
afterAll(async () => {
  await stack?.stop();
  await restarted?.close();
});

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);
type Message = {
  id: string;
  procedureId: string;
  type: string;
  read: boolean;
  subjectText: string;
  reference?: string;
  procedureLabel: string;
};

/** The party's inbox once it holds a message of `procedureId` of the type (the worker records behind the workflow). */
async function messageOf(as: string, procedureId: string, type: string): Promise<Message> {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', '/api/inbox', as);
    expect(r.status).toBe(200);
    const m = (r.body.items as Message[]).find((x) => x.procedureId === procedureId && x.type === type);
    if (m) return m;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no ${type} of ${procedureId} in ${as}'s inbox`);
}

describe('the 收件箱 on the real stack (issue 27)', () => {
  let id: string;
  let reminder: Message;

  it('a reminder delivered to a party appears in its inbox, unread, naming the case; the workbench count says so', async () => {
    // Discovered 25 hours ago: the 24-hour reports (Regs 61 para 1) are overdue at the start, so their reminders go out at once.
    const start = await call(
      'POST',
      '/api/procedures/leak',
      'org-th-office',
      leakInput({ incidentRef: 'INBOX-1', discoveredAt: new Date(Date.now() - 25 * 3_600_000).toISOString() }),
    );
    expect(start.status).toBe(201);
    id = start.body.id;
    reminder = await messageOf('org-th-office', id, 'reminder');
    expect(reminder.read).toBe(false);
    expect(reminder.reference).toBe('INBOX-1');
    expect(reminder.procedureLabel).not.toMatch(/^[a-z-]+$/);
    expect(reminder.subjectText).toMatch(/报告/);
    // Newest first.
    const page = await call('GET', '/api/inbox', 'org-th-office');
    const ats = (page.body.items as Array<{ at: string }>).map((m) => Date.parse(m.at));
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    const unread = await call('GET', '/api/inbox/unread', 'org-th-office');
    expect(unread.body.unread).toBe(page.body.unread);
    expect(unread.body.unread).toBeGreaterThanOrEqual(1);
  });

  it('another party cannot see or mark it, not even an authority that sees the case', async () => {
    // The Tianhe district bureau is a party of the leak and sees the case, but the reminder was not addressed to it.
    for (const other of ['auth-440106', 'org-gz-bureau', 'auth-000000']) {
      const page = await call('GET', '/api/inbox?pageSize=200', other);
      expect(page.status).toBe(200);
      expect((page.body.items as Message[]).map((m) => m.id)).not.toContain(reminder.id);
      const mark = await call('POST', `/api/inbox/${reminder.id}/read`, other);
      expect(mark.status).toBe(404);
    }
    const still = await messageOf('org-th-office', id, 'reminder');
    expect(still.read).toBe(false);
    // A forged id naming the procedure and an entry that is not there, or not an id at all.
    expect((await call('POST', `/api/inbox/${id}.0123456789abcdef/read`, 'org-th-office')).status).toBe(404);
    expect((await call('POST', '/api/inbox/not-an-id/read', 'org-th-office')).status).toBe(404);
  });

  it('marking it read is per person and persists across an API restart', async () => {
    const mark = await call('POST', `/api/inbox/${reminder.id}/read`, 'org-th-office');
    expect(mark.status).toBe(200);
    expect(mark.body).toMatchObject({ id: reminder.id, read: true });
    // Again: the first instant stays.
    const again = await call('POST', `/api/inbox/${reminder.id}/read`, 'org-th-office');
    expect(again.body.readAt).toBe(mark.body.readAt);
    // Every message can be marked by its addressee: ids stay short whatever the entry's (an escalation's is long).
    const escalation = await messageOf('org-th-office', id, 'escalation');
    expect(escalation.id.length).toBeLessThanOrEqual(100);
    expect((await call('POST', `/api/inbox/${escalation.id}/read`, 'org-th-office')).status).toBe(200);
    const after = await call('GET', '/api/inbox?pageSize=200', 'org-th-office');
    const items = after.body.items as Message[];
    expect(items.filter((m) => m.id === reminder.id || m.id === escalation.id).map((m) => m.read)).toEqual([true, true]);
    expect(after.body.unread).toBe(items.filter((m) => !m.read).length);
    // A colleague acting for the same party has not read it.
    const colleague = await stack.token('org-th-office', { sub: 'test:colleague', name: '同事' });
    const theirs = await fetch(`${stack.url}/api/inbox?pageSize=200`, { headers: { authorization: `Bearer ${colleague}` } });
    const theirItems = ((await theirs.json()) as { items: Message[] }).items;
    expect(theirItems.find((m) => m.id === reminder.id)?.read).toBe(false);

    // A restarted API: a new server with its own connection pool to the same record database.
    await stack.app.close();
    restarted = new RecordStore(stack.records.url, stack.records.keys);
    const app = await stack.extraApp({ records: restarted });
    const headers = { authorization: `Bearer ${await stack.token('org-th-office')}` };
    const all = (await app.inject({ method: 'GET', url: '/api/inbox?pageSize=200', headers })).json() as { items: Message[] };
    expect(all.items.find((x) => x.id === reminder.id)).toMatchObject({ read: true, readAt: mark.body.readAt });
    const unreadOnly = (await app.inject({ method: 'GET', url: '/api/inbox?unread=true&pageSize=200', headers })).json() as {
      items: Message[];
    };
    expect(unreadOnly.items.map((x) => x.id)).not.toContain(reminder.id);
  });
});
