/**
 * The workbench's lists and the board's headlines (issue 25) keep to each party's scope: a case
 * appears, with its reference and title, only to a party of it or an authority whose jurisdiction
 * holds it; an authority's 辖区内 counts what its board shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

let stack: Stack;
let id: string;

async function call(path: string, as: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${await stack.token(as)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as any;
}

type Row = { id: string; reference?: string; title?: string };
const ids = (rows: Row[] | undefined) => (rows ?? []).map((r) => r.id);
const everyList = (w: { todo: Row[]; involved: Row[]; started: Row[]; jurisdiction?: Row[] }) => [
  ...w.todo,
  ...w.involved,
  ...w.started,
  ...(w.jurisdiction ?? []),
];

beforeAll(async () => {
  stack = await startStack('security-workbench');
  ({ id } = await call(
    '/api/procedures/unclear-matter',
    'org-gz-bureau',
    unclearMatterInput({ matterRef: 'GZ-SEC-1', title: '范围测试事项' }),
  ));
  // The board's model follows visibility every 2 s.
  for (let i = 0; i < 40 && !ids((await call('/api/dashboard/board', 'auth-000000')).items).includes(id); i++)
    await new Promise((r) => setTimeout(r, 500));
});
afterAll(async () => {
  await stack?.stop();
});

describe('the workbench and the board by scope', () => {
  it('the starting organ finds the case under 我发起的 with its reference and title; the province that will decide under 我参与的 (the report is the organ’s step), not 我的待办; the national authority under 辖区内', async () => {
    const own = await call('/api/workbench', 'org-gz-bureau');
    expect(own.started.find((r: Row) => r.id === id)).toMatchObject({ reference: 'GZ-SEC-1', title: '范围测试事项' });
    expect(ids(own.involved)).not.toContain(id);
    const province = await call('/api/workbench', 'auth-440000');
    expect(ids(province.todo)).not.toContain(id);
    expect(province.involved.find((r: Row) => r.id === id)).toMatchObject({ reference: 'GZ-SEC-1' });
    const nat = await call('/api/workbench', 'auth-000000');
    expect(ids(nat.jurisdiction)).toContain(id);
  });

  it('a party outside the scope sees the case in no list, by no headline; an authority’s 辖区内 counts what its board shows', async () => {
    for (const outsider of ['org-nj-bureau', 'org-th-office', 'auth-320100', 'auth-440106']) {
      const w = await call('/api/workbench', outsider);
      expect(ids(everyList(w)), outsider).not.toContain(id);
      expect(JSON.stringify(w), outsider).not.toContain('范围测试事项');
      const board = await call('/api/dashboard/board', outsider);
      expect(ids(board.items), outsider).not.toContain(id);
      if (w.jurisdiction) expect(w.jurisdictionTotal, outsider).toBe(board.total);
    }
    for (const authority of ['auth-440100', 'auth-440000', 'auth-000000']) {
      const w = await call('/api/workbench', authority);
      const board = await call('/api/dashboard/board', authority);
      expect(w.jurisdictionTotal, authority).toBe(board.total);
      expect(
        board.items.find((i: Row) => i.id === id),
        authority,
      ).toMatchObject({ reference: 'GZ-SEC-1', title: '范围测试事项' });
    }
  });
});
