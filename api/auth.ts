import { secretFromFile } from '../activities/deps.js';
import { jwtVerify, SignJWT } from 'jose';
import type { Registry } from '../domain/registry/registry.js';
import type { PartyRef } from '../domain/parties.js';

/** Who calls: an organ or an authority of the registry (the token's subject). */
export interface Caller {
  party: PartyRef;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

/** The signing key: BM_JWT_SECRET, else one generated once and kept in the data folder. */
export function signingKey(env: NodeJS.ProcessEnv, dataDir: string): Uint8Array {
  return new TextEncoder().encode(env.BM_JWT_SECRET ?? secretFromFile(dataDir, 'jwt-secret'));
}

export async function issueToken(key: Uint8Array, partyId: string, ttl = '30d'): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(partyId).setIssuedAt().setExpirationTime(ttl).setIssuer('baomi-procedures').sign(key);
}

export async function authenticate(key: Uint8Array, registry: Registry, header: string | undefined): Promise<Caller> {
  const token = header?.match(/^Bearer (\S+)$/)?.[1];
  if (!token) throw new AuthError(401, 'missing bearer token (Authorization: Bearer <token>)');
  let sub: string | undefined;
  try {
    sub = (await jwtVerify(token, key, { issuer: 'baomi-procedures', algorithms: ['HS256'] })).payload.sub;
  } catch {
    throw new AuthError(401, 'invalid or expired token');
  }
  try {
    return { party: registry.party(sub ?? '') };
  } catch {
    throw new AuthError(401, `token subject "${sub}" is not in the registry`);
  }
}
