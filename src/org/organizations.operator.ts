import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from './api-key.entity';
import { hashSecret, newSecret } from './api-keys.crypto';
import { nameKey, parseOrganizationName, slugFor, uniqueSlug } from './organization-name';

/**
 * The operator's organization commands (`npm run org -- create|list`). Nothing in
 * GraphQL crosses organizations, so these run on the server's machine with
 * direct database access, never through the API.
 */

export interface CreatedOrganization {
  id: number;
  slug: string;
  name: string;
  /** The first ADMIN key's secret: printed once, only its SHA-256 is stored. */
  adminKey: string;
}

export interface OrganizationSummary {
  id: number;
  slug: string;
  name: string;
  createdAt: Date;
  activeKeys: number;
}

/** Another organization already has this name (case and spacing aside). */
export class DuplicateOrganizationError extends Error {
  constructor(readonly existing: { id: number; slug: string; name: string }) {
    super(`an organization named "${existing.name}" already exists (id ${existing.id}, slug ${existing.slug})`);
  }
}

// Serializes creations: the duplicate check and the slug choice see every earlier creation.
const CREATE_LOCK = 0x6f72_6763; // 'orgc'

/** Creates the organization and its first ADMIN key in one transaction. */
export async function createOrganization(em: EntityManager, rawName: string): Promise<CreatedOrganization> {
  const name = parseOrganizationName(rawName);
  return em.fork().transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [CREATE_LOCK]);
    const existing = await tx.execute<Array<{ id: number; slug: string; name: string }>>('select id, slug, name from organization order by id');
    const duplicate = existing.find((org) => nameKey(org.name) === nameKey(name));
    if (duplicate) throw new DuplicateOrganizationError(duplicate);
    const slug = uniqueSlug(slugFor(name), new Set(existing.map((org) => org.slug)));
    const [created] = await tx.execute<Array<{ id: number }>>('insert into organization (slug, name) values (?, ?) returning id', [slug, name]);
    const adminKey = newSecret();
    await tx.execute('insert into api_key (organization_id, name, role, secret_hash) values (?, ?, ?, ?)', [
      created!.id,
      'first admin (org create)',
      Role.ADMIN,
      hashSecret(adminKey),
    ]);
    return { id: created!.id, slug, name, adminKey };
  });
}

/** Every organization, oldest first, with how many keys it has that are not revoked. */
export async function listOrganizations(em: EntityManager): Promise<OrganizationSummary[]> {
  const rows = await em.fork().execute<Array<{ id: number; slug: string; name: string; created_at: Date; active_keys: number }>>(
    `select o.id, o.slug, o.name, o.created_at,
            (select count(*)::int from api_key k where k.organization_id = o.id and k.revoked_at is null) as active_keys
       from organization o order by o.id`,
  );
  return rows.map((row) => ({ id: row.id, slug: row.slug, name: row.name, createdAt: new Date(row.created_at), activeKeys: row.active_keys }));
}
