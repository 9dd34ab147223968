import { afterAll, describe, expect, it } from 'vitest';
import { killAllCliProcesses, runCliToEnd } from '../support/child-server';
import { useTestServer } from '../support/server';

/** `npm run org -- create|list` through the real CLI, on the database of a real server of this file's own. */

const server = useTestServer();
const org = (...args: string[]) => runCliToEnd(['org', ...args], { DATABASE_URL: server.db.url }, 30_000);

afterAll(killAllCliProcesses);

describe('org create', () => {
  let key: string;

  it('creates the organization and prints only its first ADMIN key on stdout', async () => {
    const result = await org('create', '  Zürich Support  ');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cp_[\w-]{43}\n$/);
    key = result.stdout.trim();
    expect(result.stderr).toMatch(/^org: created organization \d+ "Zürich Support" \(slug zurich-support\); its first ADMIN key, shown once/);
    const [row] = await server.db.orm.em.fork().execute(
      `select o.name, o.slug, k.role, k.secret_hash from organization o join api_key k on k.organization_id = o.id where o.slug = 'zurich-support'`,
    );
    expect(row).toMatchObject({ name: 'Zürich Support', slug: 'zurich-support', role: 'ADMIN' });
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/); // the hash, never the key
    expect(row.secret_hash).not.toContain(key);
  });

  it('refuses the same name again (case and spacing aside) with exit code 2', async () => {
    const result = await org('create', 'zürich  SUPPORT');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^org: an organization named "Zürich Support" already exists \(id \d+, slug zurich-support\)\n$/);
  });

  it('gives a different name with the same slug a numbered slug', async () => {
    expect((await org('create', 'Zurich Support!')).code).toBe(0);
    const rows = await server.db.orm.em.fork().execute(`select slug from organization where slug like 'zurich-support%' order by id`);
    expect(rows.map((r) => r.slug)).toEqual(['zurich-support', 'zurich-support-2']);
  });

  it.each([
    [['create', ''], 'org: the organization name must not be empty\n'],
    [['create', 'x'.repeat(101)], 'org: the organization name must be 1 to 100 characters, got 101\n'],
    [['create', 'A\tB'], 'org: the organization name must not contain control characters (U+0009 at 2)\n'],
    [['create', 'two', 'words'], 'org: create takes exactly one name (quote it), got 2; usage: org create "<name>" | org list\n'],
    [['rename'], 'org: usage: org create "<name>" | org list\n'],
  ])('refuses %j with exit code 2 and one line', async (args, message) => {
    expect(await org(...args)).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('prints a key the server accepts as an ADMIN key of the new organization', async () => {
    expect(await server.gql('{ organization { name } }', undefined, key)).toMatchObject({ data: { organization: { name: 'Zürich Support' } } });
    const created = await server.gql('mutation { createApiKey(role: ANALYST, name: "analyst") { secret } }', undefined, key);
    expect(created.errors).toBeUndefined(); // only an ADMIN may create keys
    expect(created.data.createApiKey.secret).toMatch(/^cp_/);
  });
});

describe('org list', () => {
  it('lists every organization with id, slug, name, created and active keys', async () => {
    const result = await org('list');
    expect(result.code).toBe(0);
    const [header, ...lines] = result.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(header).toEqual(['id', 'slug', 'name', 'created', 'active_keys']);
    const zurich = lines.find((line) => line[1] === 'zurich-support');
    expect(zurich).toEqual([expect.stringMatching(/^\d+$/), 'zurich-support', 'Zürich Support', expect.stringMatching(/^\d{4}-\d\d-\d\dT/), '2']); // its first ADMIN key and the ANALYST key made with it
    expect(lines.map((line) => line[1])).toContain('zurich-support-2');
  });
});
