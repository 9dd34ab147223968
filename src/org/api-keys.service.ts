import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from './auth';
import { badUserInput, notFound } from '../platform/errors';
import { ApiKey, Role } from './api-key.entity';
import { hashSecret, newSecret } from './api-keys.crypto';
import { DEFAULT_ORGANIZATION_SLUG, Organization } from './organization.entity';
import { noticeKeyRevoked } from './key-notices';

export class ApiKeysService {
  constructor(private readonly em: EntityManager) {}

  async create(principal: Principal, role: Role, name: string): Promise<{ key: ApiKey; secret: string }> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) {
      throw badUserInput('name: must be 1 to 100 characters', [
        { field: 'name', rule: 'LENGTH', message: 'must be 1 to 100 characters' },
      ]);
    }
    const secret = newSecret();
    const key = new ApiKey(principal.organizationId, trimmed, role, hashSecret(secret));
    await this.em.persistAndFlush(key);
    return { key, secret };
  }

  async revoke(principal: Principal, id: number): Promise<ApiKey> {
    const key = await this.em.findOne(ApiKey, { id, organizationId: principal.organizationId });
    if (!key) throw notFound(`id: no API key ${id} in this organization`);
    key.revokedAt ??= new Date();
    await this.em.flush();
    await noticeKeyRevoked(this.em, key.id); // every server instance closes the key's live sockets
    return key;
  }
}

/** The organization used by single-tenant installs, created on first start. */
export async function ensureDefaultOrganization(em: EntityManager): Promise<Organization> {
  await em.getConnection().execute(
    `insert into organization (slug, name) values (?, ?) on conflict (slug) do nothing`,
    [DEFAULT_ORGANIZATION_SLUG, 'Default organization'],
  );
  return em.findOneOrFail(Organization, { slug: DEFAULT_ORGANIZATION_SLUG });
}

/**
 * Makes sure an ADMIN key with exactly this secret exists (and is not revoked)
 * for the organization: the operator's way in on a fresh database.
 */
export async function ensureBootstrapKey(em: EntityManager, organizationId: number, secret: string): Promise<void> {
  await em.getConnection().execute(
    `insert into api_key (organization_id, name, role, secret_hash) values (?, 'bootstrap', 'ADMIN', ?)
     on conflict (secret_hash) do update set revoked_at = null, role = 'ADMIN'
     where api_key.organization_id = excluded.organization_id`,
    [organizationId, hashSecret(secret)],
  );
}

export async function countActiveKeys(em: EntityManager, organizationId: number): Promise<number> {
  return em.count(ApiKey, { organizationId, revokedAt: null });
}
