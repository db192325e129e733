import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { withResponseSchemas } from '../../api/server.js';
import { viewQuery } from '../../workflows/messages.js';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

/** Only what a route's response schema names leaves the server (api/response-schemas.ts). */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('response-schemas');
});
afterAll(async () => {
  await stack?.stop();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('response schemas', () => {
  it('every operation in the OpenAPI document declares its 2xx answer and the problem shape of its errors', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, responses: op.responses as Record<string, any> })),
    );
    expect(operations.length).toBeGreaterThan(15);
    for (const { name, responses } of operations) {
      const ok = Object.entries(responses).filter(([code]) => code.startsWith('2'));
      expect(ok.length, name).toBeGreaterThan(0);
      for (const [code, r] of ok) expect(r.content?.['application/json']?.schema, `${name} ${code}`).toBeTruthy();
      const problem = responses['4XX'] ?? responses['4xx'];
      expect(Object.keys(problem?.content?.['application/json']?.schema?.properties ?? {}), name).toEqual(
        expect.arrayContaining(['type', 'title', 'status', 'detail', 'fieldErrors']),
      );
    }
  });

  it('a documented route without a 2xx response schema is refused when the server is built', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.addHook('onRoute', withResponseSchemas);
    expect(() => app.get('/undeclared', { schema: { summary: 'x' } }, async () => ({ secret: 1 }))).toThrow(
      /GET \/undeclared: no response schema/,
    );
    await app.close();
  });

  it("a field the schema does not name never leaves: the deadlines' alarm bookkeeping stays in the workflow", async () => {
    const token = await stack.token('org-gz-bureau');
    const started = await stack.app.inject({
      method: 'POST',
      url: '/api/procedures/unclear-matter',
      headers: { authorization: `Bearer ${token}` },
      payload: unclearMatterInput({ matterRef: 'RS-1' }),
    });
    expect(started.statusCode).toBe(201);
    const id = started.json().id as string;

    // The workflow's own view carries them…
    const internal = await stack.client.workflow.getHandle(id).query(viewQuery);
    expect(internal.deadlines[0]).toHaveProperty('inputs');
    expect(internal.deadlines[0]).toHaveProperty('remindersDone');

    // …the API's answers, from the same view, do not; what the schema names is all there.
    const view = await stack.app.inject({ method: 'GET', url: `/api/procedures/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect(view.statusCode).toBe(200);
    const deadline = view.json().deadlines[0];
    expect(deadline.dueAt).toBe(internal.deadlines[0]!.dueAt);
    expect(deadline.explanation.lines.length).toBeGreaterThan(0);
    for (const hidden of ['inputs', 'remindersDone', 'dueSoonDone', 'dueFired']) {
      expect(deadline, hidden).not.toHaveProperty(hidden);
      expect(started.json().deadlines[0], hidden).not.toHaveProperty(hidden);
    }

    // The workbench's 我发起的 (read through the typed client's list) answers in its declared row shape.
    await expect
      .poll(
        async () => {
          const res = await stack.app.inject({ method: 'GET', url: '/api/workbench', headers: { authorization: `Bearer ${token}` } });
          return res.json().started?.find((r: { id: string }) => r.id === id);
        },
        { timeout: 10_000 },
      )
      .toMatchObject({ id, kind: 'unclear-matter', state: 'awaitingReport' });
  });

  it('an answer is encoded through its schema: an unnamed field is dropped, a missing one is a 500 problem, not a partial answer', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.addHook('onRoute', withResponseSchemas);
    const Shape = z.object({ id: z.string() });
    app.get('/extra', { schema: { response: { 200: Shape } } }, async () => ({ id: 'a', internal: 'must not leave' }) as never);
    app.get('/missing', { schema: { response: { 200: Shape } } }, async () => ({ other: 'x' }) as never);
    expect((await app.inject({ method: 'GET', url: '/extra' })).json()).toEqual({ id: 'a' });
    const missing = await app.inject({ method: 'GET', url: '/missing' });
    expect(missing.statusCode).toBe(500);
    expect(missing.body).not.toContain('other');
    await app.close();
  });
});
