import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../../../src/app/http';
import { openOrm, type MikroORM } from '../../../src/app/orm';
import { buildAppSchema } from '../../../src/app/schema';
import { KpiService } from '../../../src/analytics/kpi.service';
import { Dimension } from '../../../src/analytics/kpi.request';
import { ContactsService } from '../../../src/contacts/contacts.service';
import { ApiKey, Role } from '../../../src/org/api-key.entity';
import { hashSecret, newSecret } from '../../../src/org/api-keys.crypto';
import { createDirectoryLoaders } from '../../../src/org/directory.loaders';
import { Organization } from '../../../src/org/organization.entity';
import { KpiResultCache } from '../../../src/platform/kpi-result-cache';
import { createLogger } from '../../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { postGraphQL } from '../../support/server';
import { isBackgroundStatement, withStatements } from '../../support/statements';

/**
 * The KPI result cache (platform/kpi-result-cache.ts) against real servers on one
 * database: A and B with a cache each (two instances), C without (the reference).
 * A question asked again is answered from the cache; after every kind of write,
 * through either instance, both answer exactly what C computes, at once.
 */

const FIELDS =
  'offered answered handled surveyInvitations surveyResponses csatScore qaEvaluations qaScore fatalErrors loggedInSeconds occupancy staffedCost';
// By team, and by queue with each queue's owning team (directory members, cached too).
const KPIS = `query($q: KpiQuery!, $byQueue: KpiQuery!) {
  kpis(query: $q) { rows { team { key } ${FIELDS} } total { ${FIELDS} } }
  byQueue: kpis(query: $byQueue) { rows { queue { key name team { key } } offered answered } } }`;
const DAY = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };
const QUESTION = { q: { range: DAY, groupBy: ['TEAM'] }, byQueue: { range: DAY, groupBy: ['QUEUE'] } };

const RECORD_CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { received } }`;
const RECORD_ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { received } }`;
const SET_COST = `mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token } }`;
const SUBMIT = `mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id } }`;
const CREATE_FORM = `mutation($name: String!, $criteria: [QaCriterionInput!]!) { createQaForm(name: $name, criteria: $criteria) { id } }`;
const RECORD_QA = `mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { received } }`;
const SET_QUEUE_TEAM = `mutation($q: ID!, $t: ID) { setQueueTeam(queueId: $q, teamId: $t) { id } }`;
const SET_ZONE = `mutation($z: String!) { setReportingTimeZone(timeZone: $z) { reportingTimeZone } }`;

const at = (hh: string, mm = '00') => `2026-03-02T${hh}:${mm}:00Z`;
const contact = (externalId: string, fields: Record<string, unknown>) => ({
  externalId,
  channel: 'VOICE',
  queue: 'billing',
  offeredAt: at('09'),
  endedAt: at('09', '10'),
  ...fields,
});

let db: TestDatabase;
const orms: MikroORM[] = [];
const servers: HttpServer[] = [];
let urls: { a: string; b: string; reference: string };
let key: string;
let organizationId: number;

async function start(kpiResultCacheMb: number): Promise<string> {
  // Each instance has a pool (and a cache) of its own, as separate processes would.
  const orm = await openOrm(db.url);
  orms.push(orm);
  const http = await startHttpServer({
    orm,
    schema: await buildAppSchema(),
    logger: createLogger('silent'),
    port: 0,
    host: '127.0.0.1',
    limits: { rateLimitPerMinute: 0, authFailuresPerMinute: 0, surveyRateLimitPerMinute: 0, kpiResultCacheMb },
  });
  servers.push(http);
  return `http://127.0.0.1:${http.port}/graphql`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const em = db.orm.em.fork();
  const org = new Organization('cache', 'cache');
  await em.persistAndFlush(org);
  organizationId = org.id;
  key = newSecret();
  em.persist(new ApiKey(org.id, 'admin', Role.ADMIN, hashSecret(key)));
  await em.flush();
  urls = { a: await start(32), b: await start(32), reference: await start(0) };
});

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const orm of orms) await orm.close(true);
  await db?.drop();
});

const gql = async (url: string, query: string, variables: Record<string, unknown>) => {
  const res = await postGraphQL(url, query, variables, key);
  expect(res.errors).toBeUndefined();
  return res.data;
};

/** The answer through `url`, and the KPI statements (contact or activity sums) it ran. */
async function ask(url: string) {
  const { result, statements } = await withStatements(() => gql(url, KPIS, QUESTION));
  await Promise.all(servers.map((s) => s.settled()));
  const own = statements.filter((s) => !isBackgroundStatement(s));
  return {
    answer: { ...result.kpis, byQueue: result.byQueue },
    kpiStatements: own.filter((s) => s.includes('string_agg(')).length,
    directoryReads: own.filter((s) => /from (queue|team|agent) where/.test(s)).length,
    versionReads: own.filter((s) => s.includes('organization_facts_version')).length,
  };
}

async function version(): Promise<string | null> {
  const rows = await db.orm.em.fork().getConnection().execute(`select version::text from organization_facts_version where organization_id = ?`, [organizationId]);
  return rows[0]?.version ?? null;
}

describe('KPI result cache', () => {
  it('answers a repeated question from the cache, with one version read instead of the statements', async () => {
    await gql(urls.a, RECORD_CONTACTS, {
      c: [
        contact('c1', { team: 'north', agent: 'ann', answeredAt: at('09', '01'), talkSeconds: 300 }),
        contact('c2', { queue: 'sales', team: 'south', agent: 'bob', answeredAt: at('10', '01'), offeredAt: at('10'), endedAt: at('10', '20'), talkSeconds: 500 }),
        contact('c3', { offeredAt: at('11'), endedAt: at('11', '02') }), // unanswered, no team: follows billing's owner
      ],
    });
    const first = await ask(urls.a);
    expect(first.kpiStatements).toBeGreaterThan(0);
    expect(first.directoryReads).toBeGreaterThan(0);
    expect(first.versionReads).toBe(2); // one per report
    const again = await ask(urls.a);
    expect(again.kpiStatements).toBe(0);
    expect(again.directoryReads).toBe(0);
    expect(again.versionReads).toBe(2);
    expect(again.answer).toEqual(first.answer);
    expect(first.answer).toEqual((await ask(urls.reference)).answer);
    expect(first.answer.total.offered).toBe(3);
  });

  /** Primes both caches, writes, and checks that both instances answer C's figures at once (read again, not from the cache). */
  async function afterWrite(write: () => Promise<unknown>, changed: (before: any, after: any) => void) {
    for (const url of [urls.a, urls.b]) {
      await ask(url);
      expect((await ask(url)).kpiStatements).toBe(0);
    }
    const before = (await ask(urls.reference)).answer;
    const versionBefore = await version();
    await write();
    expect(await version()).not.toBe(versionBefore);
    const reference = (await ask(urls.reference)).answer;
    for (const url of [urls.b, urls.a]) {
      const now = await ask(url);
      expect(now.kpiStatements).toBeGreaterThan(0);
      expect(now.answer).toEqual(reference);
    }
    changed(before, reference);
  }

  it('answers every kind of write exactly at once, through either instance', async () => {
    const total = (answer: any) => answer.total;
    const team = (answer: any, key: string) => answer.rows.find((r: any) => r.team?.key === key);

    // A new contact, through B.
    await afterWrite(
      () => gql(urls.b, RECORD_CONTACTS, { c: [contact('c4', { team: 'north', agent: 'ann', answeredAt: at('12', '01'), offeredAt: at('12'), endedAt: at('12', '09') })] }),
      (b, a) => expect(total(a).offered).toBe(total(b).offered + 1),
    );
    // A corrected contact (answered now), through A.
    await afterWrite(
      () => gql(urls.a, RECORD_CONTACTS, { c: [contact('c4', { team: 'north', agent: 'ann', offeredAt: at('12'), endedAt: at('12', '09') })] }),
      (b, a) => expect(total(a).answered).toBe(total(b).answered - 1),
    );
    // Agent activity, through B.
    await afterWrite(
      () =>
        gql(urls.b, RECORD_ACTIVITY, {
          a: [{ agent: 'ann', team: 'north', intervalStart: at('09'), loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 500, notReadySeconds: 100 }],
        }),
      (b, a) => expect(total(a).loggedInSeconds).toBe(total(b).loggedInSeconds + 900),
    );
    // An hourly cost, through A.
    await afterWrite(
      () => gql(urls.a, SET_COST, { i: { team: 'north', hourlyCost: 24 } }),
      (b, a) => {
        expect(total(b).staffedCost).toBeNull(); // no cost known yet
        expect(total(a).staffedCost).toBe(6);
      },
    );
    // A survey invitation, then its answer (applied under the write lock taken without waiting), through B.
    let token = '';
    await afterWrite(
      async () => ([{ token }] = (await gql(urls.b, INVITE, { ids: ['c1'] })).createSurveyInvitations),
      (b, a) => expect(total(a).surveyInvitations).toBe(total(b).surveyInvitations + 1),
    );
    await afterWrite(
      () => gql(urls.b, SUBMIT, { i: { token, csat: 5 } }),
      (b, a) => expect(total(a).surveyResponses).toBe(total(b).surveyResponses + 1),
    );
    // A QA evaluation, through A.
    const { id: formId } = (await gql(urls.a, CREATE_FORM, { name: 'Calls', criteria: [{ key: 'tone', label: 'Tone', weight: 1, fatal: true }] })).createQaForm;
    await afterWrite(
      () =>
        gql(urls.a, RECORD_QA, {
          e: [{ externalId: 'qa1', contactExternalId: 'c1', formId, evaluator: 'eve', evaluatedAt: at('15'), scores: [{ criterion: 'tone', score: 0.5 }] }],
        }),
      (b, a) => {
        expect(total(a).qaEvaluations).toBe(total(b).qaEvaluations + 1);
        expect(total(a).fatalErrors).toBe(1);
      },
    );
    // billing gets an owner, through B: its unanswered contact without a team moves to south.
    const directory = await gql(urls.b, `{ queues { id key } teams { id key } }`, {});
    const billing = directory.queues.find((q: any) => q.key === 'billing').id;
    const south = directory.teams.find((t: any) => t.key === 'south').id;
    await afterWrite(
      () => gql(urls.b, SET_QUEUE_TEAM, { q: billing, t: south }),
      (b, a) => {
        expect(team(a, 'south').offered).toBe(team(b, 'south').offered + 1);
        const billingOf = (answer: any) => answer.byQueue.rows.find((r: any) => r.queue.key === 'billing').queue;
        expect([billingOf(b).team, billingOf(a).team]).toEqual([null, { key: 'south' }]);
      },
    );
    // A new reporting zone, through A: the same figures, read again from the new zone's local days.
    await afterWrite(
      () => gql(urls.a, SET_ZONE, { z: 'Europe/Berlin' }),
      (b, a) => expect(a).toEqual(b),
    );
  });

  it('never uses nor fills the cache inside a transaction, and a rolled-back write leaves no version behind', async () => {
    const results = new KpiResultCache(8 * 1024 * 1024);
    const report = (em: typeof db.orm.em) =>
      new KpiService(em, createDirectoryLoaders(em, async () => organizationId), results).report({
        organizationId,
        from: new Date(DAY.from),
        to: new Date(DAY.to),
        groupBy: [Dimension.TEAM],
        fields: ['offered', 'answered'],
      });
    const committed = await report(db.orm.em.fork());
    expect(results.size.entries).toBeGreaterThan(0);
    await ask(urls.a); // A's cache holds the committed answer too
    const versionBefore = await version();

    let inside: { offered: unknown; version: string | null } | undefined;
    await expect(
      db.orm.em.fork().transactional(async (tx) => {
        await new ContactsService(tx).record(organizationId, [contact('rolled-back', { offeredAt: new Date(at('16')), endedAt: new Date(at('16', '01')) }) as never]);
        const seen = await report(tx);
        const [row] = await tx.execute(`select version::text from organization_facts_version where organization_id = ?`, [organizationId]);
        inside = { offered: seen.total.metrics.offered, version: row.version };
        // Meanwhile another instance reads the committed version, and answers from its cache.
        const meanwhile = await ask(urls.a);
        expect(meanwhile.kpiStatements).toBe(0);
        expect(meanwhile.answer.total.offered).toBe(committed.total.metrics.offered);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(inside!.offered).toBe(committed.total.metrics.offered! as number + 1);
    expect(inside!.version).not.toBe(versionBefore);
    expect(await version()).toBe(versionBefore);

    // Outside: the committed figures, from the cache (the transaction stored nothing).
    const entries = results.size.entries;
    expect((await report(db.orm.em.fork())).total).toEqual(committed.total);
    expect(results.size.entries).toBe(entries);

    // The next write gets a version never seen before, not the rolled-back one.
    await gql(urls.b, RECORD_CONTACTS, { c: [contact('after', { offeredAt: at('17'), endedAt: at('17', '01') })] });
    expect([versionBefore, inside!.version]).not.toContain(await version());
    expect(BigInt((await version())!)).toBeGreaterThan(BigInt(inside!.version!));
    expect((await report(db.orm.em.fork())).total.metrics.offered).toBe(committed.total.metrics.offered! as number + 1);
    expect((await ask(urls.a)).answer).toEqual((await ask(urls.reference)).answer);
  });
});
