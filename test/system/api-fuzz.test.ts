import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

let stack: Stack;
let token: string;
let id: string;
beforeAll(async () => {
  stack = await startStack('api-fuzz');
  token = await stack.token('org-gz-bureau');
  const started = await stack.app.inject({
    method: 'POST',
    url: '/api/procedures/unclear-matter',
    headers: { authorization: `Bearer ${token}` },
    payload: unclearMatterInput({ matterRef: 'FZ-1', title: '模糊测试' }),
  });
  id = started.json().id;
});
afterAll(async () => {
  await stack?.stop();
});

/** What must hold for any request: no 5xx, a problem+json body on every error, nothing changed. */
async function snapshot() {
  const v = await stack.app.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: `Bearer ${token}` } });
  const { count } = await stack.client.workflow.count();
  return { audit: v.json().audit.length, state: v.json().state, count };
}

const junkJson = fc.oneof(
  fc.jsonValue(),
  fc.object(),
  fc.record({ type: fc.string(), determination: fc.jsonValue() }),
  fc.record({ organId: fc.constant('org-gz-bureau'), proposal: fc.jsonValue() }),
);
const rawBody = fc.oneof(
  junkJson.map((j) => JSON.stringify(j)),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constant('{"a":'),
  fc.constant(''),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  undefined,
);
// Mostly a valid token, so that requests get past identity into validation and the workflow.
const authHeader = fc.oneof(
  { arbitrary: fc.constant('valid'), weight: 6 },
  fc.constant(undefined),
  fc.string(),
  fc.constant('Bearer '),
  fc.string().map((s) => `Bearer ${s}`),
);
const pathSegment = fc.oneof(
  fc.constant('ID'),
  fc.string(),
  fc.stringMatching(/^[a-z0-9-]{1,80}$/),
  fc.constant('..%2f..%2fetc'),
  fc.constant('%00'),
  fc.constant('unclear-matter-ffffffffffffffffffffffffffffffff'),
);
const route = fc.constantFrom(
  ['POST', '/api/procedures/unclear-matter'],
  ['POST', '/api/procedures/objection'],
  ['POST', '/api/procedures/leak'],
  ['POST', '/api/procedures/appraisal'],
  ['POST', '/api/procedures/annual-inspection'],
  ['POST', '/api/procedures/SEG/events'],
  ['GET', '/api/procedures/SEG'],
  ['GET', '/api/procedures?kind=SEG&region=SEG&dueBefore=SEG&cursor=SEG&pageSize=SEG'],
  ['GET', '/api/deadline?rule=SEG&n=SEG&from=SEG'],
  ['GET', '/api/registry/organs'],
  ['DELETE', '/api/procedures/SEG'],
  ['PUT', '/api/procedures/SEG/events'],
);

describe('fuzzing every endpoint with malformed bodies, headers and paths', () => {
  it('never answers 5xx, always explains an error as problem+json, and changes nothing', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(route, pathSegment, rawBody, contentType, authHeader, async ([method, path], seg, body, type, auth) => {
        const url = path.replaceAll('SEG', encodeURIComponent(seg === 'ID' ? id : seg));
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (auth) headers.authorization = auth === 'valid' ? `Bearer ${token}` : auth;
        const res = await stack.app.inject({
          method: method as 'GET',
          url,
          headers,
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: body }),
        });
        expect(res.statusCode, `${method} ${url} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({ status: res.statusCode, title: expect.any(String), detail: expect.any(String) });
        }
      }),
      { numRuns: 400 },
    );
    // Invalid bodies never started a procedure or moved the one that exists.
    expect(await snapshot()).toEqual(before);
  });

  it('valid-looking events with malformed payloads leave the procedure untouched', async () => {
    const before = await snapshot();
    const event = fc.record(
      {
        type: fc.constantFrom('SUBMIT_REPORT', 'DETERMINE', 'FILE_RECORD', 'REFER'),
        reportNumber: fc.oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['type', 'extra'] },
    ); // 'extra' is never a field: every one is invalid
    await fc.assert(
      fc.asyncProperty(event, async (e) => {
        const res = await stack.app.inject({
          method: 'POST',
          url: `/api/procedures/${id}/events`,
          headers: { authorization: `Bearer ${token}` },
          payload: e,
        });
        if (res.statusCode === 200) throw new Error(`accepted ${JSON.stringify(e)}`); // none of these is valid
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(await snapshot()).toEqual(before);
  });
});
