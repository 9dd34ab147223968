import type { EntityManager } from '@mikro-orm/postgresql';

/** PostgreSQL channel on which a revoked key's id is announced to every server instance (its open sockets are closed). */
export const KEY_REVOKED_CHANNEL = 'callpulse_key_revoked';

export async function noticeKeyRevoked(em: EntityManager, apiKeyId: number): Promise<void> {
  await em.getConnection().execute('select pg_notify(?, ?)', [KEY_REVOKED_CHANNEL, String(apiKeyId)]);
}
