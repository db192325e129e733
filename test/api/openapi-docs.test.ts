import { describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../machines/index.js';
import { exampleOf, forIntegrators, LEVEL_MAPPING } from '../../api/openapi-docs.js';
import { formSchema } from '../../api/routes/workbench.js';
import { bareApi } from '../support/bare-api.js';

describe('the OpenAPI document for integrators (issue 25)', () => {
  for (const def of Object.values(PROCEDURES)) {
    it(`${def.kind}: the example start body and every example event body are valid as the API validates them`, () => {
      expect(def.input.safeParse(exampleOf(formSchema(def.input))).error).toBeUndefined();
      for (const [type, spec] of Object.entries(def.events))
        expect(spec.schema.safeParse(exampleOf(formSchema(spec.schema))).error, type).toBeUndefined();
    });
  }

  it('states the level mapping beside every level (secret = 机密, confidential = 秘密) and drops the ±(2^53 − 1) bounds of integers', () => {
    expect(LEVEL_MAPPING).toBe('top-secret = 绝密，secret = 机密，confidential = 秘密');
    const doc = forIntegrators({
      a: { type: 'string', enum: ['top-secret', 'secret', 'confidential'] },
      b: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      c: { type: 'integer', minimum: 1, maximum: 30 },
    });
    expect(doc.a).toMatchObject({ description: expect.stringContaining('secret = 机密，confidential = 秘密') });
    expect(doc.b).toEqual({ type: 'integer' });
    expect(doc.c).toEqual({ type: 'integer', minimum: 1, maximum: 30 });
  });

  it('describes a response @fastify/swagger leaves undescribed in Chinese, not as "Default Response"', () => {
    expect(forIntegrators({ responses: { 200: { description: 'Default Response' } } })).toEqual({
      responses: { 200: { description: '成功 (success)' } },
    });
  });

  it('names the examples of a body of several kinds by each kind’s title (leak RELAY：…), not example1, example2', () => {
    const media = forIntegrators({
      schema: { anyOf: [{ title: 'leak RELAY：逐级报送' }, { title: 'leak REPORT_RESULT：书面告知' }] },
      examples: { example1: { value: { type: 'RELAY' } }, example2: { value: { type: 'REPORT_RESULT' } } },
    });
    expect(media.examples).toEqual({
      'leak RELAY：逐级报送': { summary: 'leak RELAY：逐级报送', value: { type: 'RELAY' } },
      'leak REPORT_RESULT：书面告知': { summary: 'leak REPORT_RESULT：书面告知', value: { type: 'REPORT_RESULT' } },
    });
  });

  it('every description in the document says it in Chinese first (English, if any, after it)', async () => {
    const { app } = await bareApi();
    const english: string[] = [];
    const walk = (v: unknown, at: string): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${at}[${i}]`));
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (
          (k === 'description' || k === 'summary') &&
          typeof x === 'string' &&
          (!/[\u4e00-\u9fff]/.test(x) || /^[^\u4e00-\u9fff]*[a-z]{2,}[’']?[a-z]* +[a-z]{2,}/.test(x))
        )
          english.push(`${at}.${k}: ${x.slice(0, 80)}`);
        walk(x, `${at}.${k}`);
      }
    };
    await app.ready();
    walk(app.swagger(), '');
    await app.close();
    expect(english).toEqual([]);
  });
});
