import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from '../../domain/registry/registry.js';
import { authorityRef, organRef } from '../../domain/registry/registry.js';
import { canSee } from '../scope.js';
import type { Authenticate } from '../server.js';

/**
 * Organs and authorities a caller may address: every authority (the tiers are public), and
 * the organs inside the caller's scope (an organ: itself and its superior).
 */
export const registryRoutes = (registry: Registry, authenticate: Authenticate): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api/registry/authorities', { schema: { summary: '保密行政管理部门', tags: ['registry'] } }, async (req) => {
      await authenticate(req);
      return registry.data.authorities.map((a) => ({ ...authorityRef(a), head: a.head }));
    });
    app.get('/api/registry/organs', { schema: { summary: '可见的机关、单位', tags: ['registry'] } }, async (req) => {
      const caller = await authenticate(req);
      const own = caller.party.type === 'organ' ? registry.organ(caller.party.id) : undefined;
      return registry.data.organs
        .filter((o) => (own ? o.id === own.id || o.id === own.superiorId : canSee(caller.party, [organRef(o)])))
        .map((o) => ({ ...organRef(o), superiorId: o.superiorId, licensed: !!o.licence }));
    });
  };
