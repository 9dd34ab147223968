import { describe, expect, it } from 'vitest';
import { postGraphQL, useTestServer } from '../../support/server';
import { withStatements } from '../../support/statements';
import { VERIFIED_KEY_TTL_MS } from '../../../src/org/verified-keys';

const RECORD = `mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { created updated unchanged } }`;
const contact = (externalId: string, queue: string, talkSeconds = 100) => ({
  externalId,
  channel: 'CHAT',
  queue,
  agent: 'ann',
  offeredAt: '2026-04-01T10:00:00Z',
  answeredAt: '2026-04-01T10:00:05Z',
  endedAt: '2026-04-01T10:10:00Z',
  talkSeconds,
});

describe('authentication and roles', () => {
  const server = useTestServer();

  describe('API keys', () => {
    it('refuses a request without a key with UNAUTHENTICATED', async () => {
      const res = await server.gql('{ queues { key } }', {}, null);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data).toBeNull();
    });

    it('answers introspection without a key, so the landing page and code generators work', async () => {
      const res = await server.gql('{ __schema { queryType { name } } }', {}, null);
      expect(res.errors).toBeUndefined();
      expect(res.data.__schema.queryType.name).toBe('Query');
    });

    it('refuses an unknown key and a malformed header with UNAUTHENTICATED', async () => {
      expect((await server.gql('{ queues { key } }', {}, 'cp_not-a-real-key')).errors?.[0].extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
        body: JSON.stringify({ query: '{ teams { key } }' }),
      });
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('creates a key whose secret works once shown, and refuses it after revocation', async () => {
      const created = await server.gql(
        `mutation { createApiKey(role: ANALYST, name: "wallboard") { secret key { id name role createdAt revokedAt } } }`,
      );
      const { secret, key } = created.data.createApiKey;
      expect(key).toMatchObject({ name: 'wallboard', role: 'ANALYST', revokedAt: null });
      expect(secret).toMatch(/^cp_[\w-]{40,}$/);
      expect((await server.gql('{ queues { key } }', {}, secret)).errors).toBeUndefined();

      const stored = await server.db.orm.em.fork().getConnection().execute('select secret_hash from api_key where id = ?', [Number(key.id)]);
      expect(stored[0].secret_hash).not.toContain(secret);
      expect(stored[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);

      const revoked = await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: key.id });
      expect(revoked.data.revokeApiKey.revokedAt).not.toBeNull();
      expect((await server.gql('{ queues { key } }', {}, secret)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('looks a verified key up once per few seconds; a revocation made elsewhere takes effect within them', async () => {
      const { secret, key } = (await server.gql(`mutation { createApiKey(role: ANALYST, name: "cached") { secret key { id } } }`)).data.createApiKey;
      const lookups = async () => {
        const { result, statements } = await withStatements(() => server.gql('{ queues { key } }', {}, secret));
        expect(result.errors).toBeUndefined();
        return statements.filter((s) => /from "?api_key"?/.test(s)).length;
      };
      expect(await lookups()).toBe(1);
      expect(await lookups()).toBe(0);
      // Another instance (or SQL) revokes it: this server trusts what it verified for at most VERIFIED_KEY_TTL_MS.
      await server.db.orm.em.fork().getConnection().execute('update api_key set revoked_at = now() where id = ?', [Number(key.id)]);
      const revokedAt = performance.now();
      expect(await lookups()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, VERIFIED_KEY_TTL_MS - (performance.now() - revokedAt) + 50));
      expect((await server.gql('{ queues { key } }', {}, secret)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses an empty key name', async () => {
      const res = await server.gql(`mutation { createApiKey(role: INGEST, name: "  ") { secret } }`);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/^name:/);
    });
  });

  describe('roles', () => {
    it('lets ANALYST read but not write contacts or manage keys', async () => {
      const { ANALYST } = server.org.keys;
      expect((await server.gql('{ teams { key } }', {}, ANALYST)).errors).toBeUndefined();
      const write = await server.gql(RECORD, { contacts: [contact('role-1', 'q')] }, ANALYST);
      expect(write.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const keys = await server.gql(`mutation { createApiKey(role: ADMIN, name: "x") { secret } }`, {}, ANALYST);
      expect(keys.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('lets INGEST write contacts but not read', async () => {
      const { INGEST } = server.org.keys;
      expect((await server.gql(RECORD, { contacts: [contact('role-2', 'q')] }, INGEST)).data.recordContacts.created).toBe(1);
      expect((await server.gql('{ queues { key } }', {}, INGEST)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const keys = await server.gql(`mutation { createApiKey(role: ADMIN, name: "x") { secret } }`, {}, INGEST);
      expect(keys.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('lets ADMIN read, write and manage keys', async () => {
      expect((await server.gql('{ queues { key } }')).errors).toBeUndefined();
      expect((await server.gql(RECORD, { contacts: [contact('role-3', 'q')] })).errors).toBeUndefined();
    });
  });

  describe('organization isolation', () => {
    it("never lets a key of organization B read or overwrite A's data", async () => {
      const a = server.org;
      const b = await server.createOrganization('globex');
      await server.gql(RECORD, { contacts: [contact('shared-id', 'a-queue', 100)] }, a.keys.ADMIN);

      // B sends the same external id: it becomes B's own contact, A's stays as it was.
      const bWrite = await server.gql(RECORD, { contacts: [contact('shared-id', 'b-queue', 999)] }, b.keys.INGEST);
      expect(bWrite.data.recordContacts).toEqual({ created: 1, updated: 0, unchanged: 0 });
      const rows = await server.db.orm.em
        .fork()
        .getConnection()
        .execute(`select organization_id, talk_seconds from contact where external_id = 'shared-id' order by organization_id`);
      expect(rows).toEqual([
        { organization_id: a.id, talk_seconds: 100 },
        { organization_id: b.id, talk_seconds: 999 },
      ]);

      const bRead = await server.gql('{ queues { key } agents { key } }', {}, b.keys.ANALYST);
      expect(bRead.data.queues).toEqual([{ key: 'b-queue' }]);
      const aRead = await server.gql('{ queues { key } }', {}, a.keys.ANALYST);
      expect(aRead.data.queues.map((q: any) => q.key)).not.toContain('b-queue');

      // Ids of A's rows are not reachable with B's key.
      const aTeams = await postGraphQL(server.url, '{ agents { id } }', {}, a.keys.ADMIN);
      const foreignKeyId = (await server.gql(`mutation { createApiKey(role: ANALYST, name: "a-only") { key { id } } }`, {}, a.keys.ADMIN))
        .data.createApiKey.key.id;
      const revoke = await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: foreignKeyId }, b.keys.ADMIN);
      expect(revoke.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(aTeams.data.agents.length).toBeGreaterThan(0);
    });
  });
});
