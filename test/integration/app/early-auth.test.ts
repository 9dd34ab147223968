import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../../../src/app/http';
import { createLogger } from '../../../src/platform/logger';
import { buildAppSchema } from '../../../src/app/schema';
import { ApiKey, Role } from '../../../src/org/api-key.entity';
import { hashSecret, newSecret } from '../../../src/org/api-keys.crypto';
import { Organization } from '../../../src/org/organization.entity';
import { createTestDatabase, type TestDatabase } from '../../support/database';

/** The hook where the rate limits count failed authentications: called for unknown keys only. */
describe('resolvePrincipal: onFailedAuthentication', () => {
  let db: TestDatabase;
  let http: HttpServer;
  let key: string;
  const failures: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const em = db.orm.em.fork();
    const org = new Organization('hooks', 'hooks');
    await em.persistAndFlush(org);
    key = newSecret();
    await em.persistAndFlush(new ApiKey(org.id, 'admin', Role.ADMIN, hashSecret(key)));
    http = await startHttpServer({
      orm: db.orm,
      schema: await buildAppSchema(),
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      limits: { rateLimitPerMinute: 0, authFailuresPerMinute: 0, surveyRateLimitPerMinute: 0 },
      auth: {
        onFailedAuthentication(req, res) {
          failures.push(String(req.headers.authorization));
          if (req.headers.authorization === 'Bearer blocked') res.status(429).json({ errors: [{ message: 'too many', extensions: { code: 'RATE_LIMITED' } }] });
        },
      },
    });
  });
  afterAll(async () => {
    await http?.close();
    await db?.drop();
  });

  const ask = async (authorization?: string) => {
    const response = await fetch(`http://127.0.0.1:${http.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: '{ organization { slug } }' }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('is called for an unknown key, which then goes on as anonymous', async () => {
    const answer = await ask('Bearer not-a-key');
    expect(answer.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(failures).toEqual(['Bearer not-a-key']);
  });

  it('is not called for a valid key or for no key', async () => {
    failures.length = 0;
    expect((await ask(`Bearer ${key}`)).body.data.organization.slug).toBe('hooks');
    expect((await ask()).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(failures).toEqual([]);
  });

  it('stops the request when the hook answers it', async () => {
    const answer = await ask('Bearer blocked');
    expect(answer.status).toBe(429);
    expect(answer.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });
});
