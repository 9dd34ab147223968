import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthChecker } from 'type-graphql';
import { ApiKey, Role } from './api-key.entity';
import { hashSecret } from './api-keys.crypto';
import { forbidden, unauthenticated } from '../platform/errors';
import type { VerifiedKeys } from './verified-keys';

/** What a request may do; roles grant sets of these. */
export enum Permission {
  /** Read KPIs, contacts, the directory, surveys and SLAs. */
  READ = 'READ',
  /** Write contacts, activity and survey invitations. */
  INGEST = 'INGEST',
  /** Manage API keys, SLA policies and costs. */
  ADMIN = 'ADMIN',
}

const GRANTS: Record<Role, Permission[]> = {
  [Role.ADMIN]: [Permission.READ, Permission.INGEST, Permission.ADMIN],
  [Role.ANALYST]: [Permission.READ],
  [Role.INGEST]: [Permission.INGEST],
};

export interface Principal {
  organizationId: number;
  apiKeyId: number;
  role: Role;
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Reads "Bearer <secret>"; null when absent or malformed. */
export function bearerSecret(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/** The principal of a secret: from the keys this server verified a moment ago (`verified`), else looked up. */
export async function findPrincipal(em: EntityManager, secret: string | null, verified?: VerifiedKeys): Promise<Principal | null> {
  if (!secret) return null;
  const secretHash = hashSecret(secret);
  const known = verified?.get(secretHash);
  if (known) return known;
  const key = await em.findOne(ApiKey, { secretHash, revokedAt: null });
  if (!key) return null;
  const principal = { organizationId: key.organizationId, apiKeyId: key.id, role: key.role };
  verified?.remember(secretHash, principal);
  return principal;
}

/** A key by its secret, revoked or not (a socket refused with a revoked key is told so); null when unknown. */
export async function identifyKey(em: EntityManager, secret: string | null): Promise<{ principal: Principal; revoked: boolean } | null> {
  if (!secret) return null;
  const key = await em.findOne(ApiKey, { secretHash: hashSecret(secret) });
  return key ? { principal: { organizationId: key.organizationId, apiKeyId: key.id, role: key.role }, revoked: key.revokedAt !== null } : null;
}

/** The part of the request context that authorization needs. */
export interface AuthContext {
  /** Resolves the request's API key once, on first use. */
  principal(): Promise<Principal | null>;
}

/** type-graphql's hook for `@Authorized(Permission.X)`. */
export const authChecker: AuthChecker<AuthContext, Permission> = ({ context }, permissions) => authorize(context, permissions);

/** `@Authorized(...permissions)`'s check, for resolvers set up without type-graphql's handler: throws unless granted. */
export async function authorize(context: AuthContext, permissions: readonly Permission[]): Promise<true> {
  const principal = await context.principal();
  if (!principal) throw unauthenticated();
  const missing = permissions.find((permission) => !can(principal.role, permission));
  if (missing) throw forbidden(`The ${principal.role} role may not do this: it needs the ${missing} permission`);
  return true;
}

/** For services: the organization of an authenticated request. */
export async function requirePrincipal(context: AuthContext): Promise<Principal> {
  const principal = await context.principal();
  if (!principal) throw unauthenticated();
  return principal;
}
