import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Registry } from '../../domain/registry/registry.js';
import { authorityRef, organRef } from '../../domain/registry/registry.js';
import { canSee } from '../scope.js';
import { AuthoritiesSchema, OrgansSchema, RegionsSchema } from '../response-schemas.js';

const OrgansQuery = z.strictObject({
  view: z
    .enum(['scope', 'directory'])
    .default('scope')
    .describe(
      'scope：本人权限范围内的机关、单位，含地区和上级；directory：全部机关、单位的编号、名称和类别，供选择 (scope: within the caller’s scope; directory: every organ, for pickers)',
    ),
});

/**
 * Organs and authorities a caller may address: every authority (the tiers are public), and
 * the organs inside the caller's scope (an organ: itself and its superior). The directory view
 * lists every organ by id, name and kind only (no region, superior, licence or contacts): a form
 * must let an objector name the original classifier, whoever it is (Regs 26 para 1), and a
 * network operator the 公安机关 or 国家安全机关 it reports to (Law 34; Regs 39).
 */
export const registryRoutes =
  (registry: Registry): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/registry/authorities',
      { schema: { response: { 200: AuthoritiesSchema }, summary: '保密行政管理部门', tags: ['registry'] } },
      async (req) => {
        await req.authenticate();
        return registry.data.authorities.map((a) => ({ ...authorityRef(a), head: a.head }));
      },
    );
    app.get(
      '/api/registry/regions',
      {
        schema: {
          response: { 200: RegionsSchema },
          summary: '地区：登记簿中各保密行政管理部门所在地区的代码与名称（供按名称筛选）',
          tags: ['registry'],
        },
      },
      async (req) => {
        await req.authenticate();
        return registry.regions();
      },
    );
    app.get(
      '/api/registry/organs',
      {
        schema: {
          querystring: OrgansQuery,
          response: { 200: OrgansSchema },
          summary: '可见的机关、单位；view=directory：全部机关、单位的名录（仅编号、名称、类别，供选择）',
          tags: ['registry'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        if (req.query.view === 'directory')
          return registry.data.organs.map((o) => ({ id: o.id, name: o.name, type: 'organ' as const, organKind: o.kind }));
        const own = caller.party.type === 'organ' ? registry.organ(caller.party.id) : undefined;
        return registry.data.organs
          .filter((o) => (own ? o.id === own.id || o.id === own.superiorId : canSee(caller.party, [organRef(o)])))
          .map((o) => ({ ...organRef(o), superiorId: o.superiorId, licensed: !!o.licence }));
      },
    );
  };
