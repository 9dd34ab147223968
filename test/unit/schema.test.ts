import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../src/app/schema';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(await printAppSchema());
  });

  it('keeps the public names of API.md', async () => {
    const sdl = await printAppSchema();
    for (const name of [
      'recordContacts(contacts: [ContactInput!]!): RecordContactsResult!',
      'createApiKey(name: String!, role: Role!): CreatedApiKey!',
      'revokeApiKey(id: ID!): ApiKey!',
      'agents(teamId: ID): [Agent!]!',
      'teams: [Team!]!',
      'queues: [Queue!]!',
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
