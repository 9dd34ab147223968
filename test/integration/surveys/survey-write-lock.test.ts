import { describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SHORT_WAIT_MS, lockOrganizationWrites, tryLockOrganizationWrites } from '../../../src/warehouse/write-lock';
import { ContactsService } from '../../../src/contacts/contacts.service';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token contactExternalId } }`;
const SUBMIT = `mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { total { surveyResponses csatAverage csatScore netPromoterScore complaints } } }`;
const RANGE = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

interface Answer { csat: number; nps: number; complaint: boolean }

/** The survey KPIs the answers must give, computed here from the answers alone. */
function reference(answers: readonly Answer[]) {
  const n = answers.length;
  const promoters = answers.filter((a) => a.nps >= 9).length;
  const detractors = answers.filter((a) => a.nps <= 6).length;
  return {
    surveyResponses: n,
    csatAverage: n ? answers.reduce((s, a) => s + a.csat, 0) / n : null,
    csatScore: n ? answers.filter((a) => a.csat >= 4).length / n : null,
    netPromoterScore: n ? ((promoters - detractors) / n) * 100 : null,
    complaints: answers.filter((a) => a.complaint).length,
  };
}

const contact = (id: string, minute: number) => ({
  externalId: id, channel: 'VOICE', queue: 'care', agent: 'ann', team: 'north',
  offeredAt: new Date(Date.UTC(2026, 2, 2, 9, minute)).toISOString(),
  answeredAt: new Date(Date.UTC(2026, 2, 2, 9, minute, 10)).toISOString(),
  endedAt: new Date(Date.UTC(2026, 2, 2, 9, minute + 3)).toISOString(),
  talkSeconds: 150,
});

describe('survey submission and the organization write lock', () => {
  const server = useTestServer();
  const tokens = new Map<string, string>();
  const answered: Answer[] = [];

  const kpis = async () => {
    const res = await server.gql(KPIS, { q: { range: RANGE } }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    return res.data.kpis.total;
  };
  const pending = async (em: EntityManager = server.db.orm.em.fork()) =>
    (await em.execute(`select count(*)::int as n from survey_tally_pending`))[0].n as number;
  const submit = async (id: string, answer: Answer) => {
    const res = await server.gql(SUBMIT, { i: { token: tokens.get(id), ...answer } }, null);
    expect(res.errors).toBeUndefined();
    return res.data.submitSurveyResponse.id as string;
  };
  /** Runs `body` while another connection holds the organization's write lock, as a long contact batch would. */
  const whileLockHeld = (body: (tx: EntityManager) => Promise<void>) =>
    server.db.orm.em.fork().transactional(async (tx) => {
      await lockOrganizationWrites(tx, server.org.id);
      await body(tx);
    });
  /** Records and invites one more contact. */
  const invitedContact = async (id: string, minute: number) => {
    expect((await server.gql(RECORD, { c: [contact(id, minute)] })).data.recordContacts.created).toBe(1);
    const invited = await server.gql(INVITE, { ids: [id] }, server.org.keys.INGEST);
    tokens.set(id, invited.data.createSurveyInvitations[0].token);
  };
  /** Runs `body` while another connection holds the write lock as a short writer (another answer, the sweep) does. */
  const whileShortWriterHolds = (body: () => Promise<void>) =>
    server.db.orm.em.fork().transactional(async (tx) => {
      expect(await tryLockOrganizationWrites(tx, server.org.id)).toBe(true);
      await body();
    });
  /** The sweep applies pending answers within about a second of the lock's release: wait for it, bounded. */
  const eventually = async (check: () => Promise<void>) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await check();
      } catch (error) {
        if (attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  it('counts an uncontended answer before the call returns', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `w-${i}`);
    expect((await server.gql(RECORD, { c: ids.map((id, i) => contact(id, i * 4)) })).data.recordContacts.created).toBe(12);
    const invited = await server.gql(INVITE, { ids }, server.org.keys.INGEST);
    for (const i of invited.data.createSurveyInvitations) tokens.set(i.contactExternalId, i.token);

    const answer = { csat: 5, nps: 10, complaint: false };
    await submit('w-0', answer);
    answered.push(answer);
    expect(await kpis()).toEqual(reference(answered));
    expect(await pending()).toBe(0);
  });

  it('returns while the write lock is held, and counts the answer once the lock is released', async () => {
    const answer = { csat: 2, nps: 3, complaint: true };
    await whileLockHeld(async () => {
      // Completes while the lock is still held: nothing here waits for it.
      await submit('w-1', answer);
      expect(await pending()).toBe(1);
      expect(await kpis()).toEqual(reference(answered)); // not counted yet
    });
    answered.push(answer);
    await eventually(async () => expect(await kpis()).toEqual(reference(answered)));
    expect(await pending()).toBe(0);
  });

  it('counts concurrent re-submissions of one token once', async () => {
    const answer = { csat: 4, nps: 8, complaint: false };
    await whileLockHeld(async () => {
      const ids = await Promise.all(Array.from({ length: 6 }, () => submit('w-2', answer)));
      expect(new Set(ids).size).toBe(1);
      expect(await pending()).toBe(1);
    });
    answered.push(answer);
    await eventually(async () => expect(await kpis()).toEqual(reference(answered)));
    // Submitted again with the lock free: the stored response, nothing queued, nothing counted.
    await submit('w-2', { csat: 1, nps: 0, complaint: true });
    expect(await pending()).toBe(0);
    expect(await kpis()).toEqual(reference(answered));
  });

  it('the contact batch holding the lock applies the answers queued meanwhile, in its own transaction', async () => {
    const batch = [
      { csat: 3, nps: 9, complaint: false },
      { csat: 1, nps: 6, complaint: true },
    ];
    await whileLockHeld(async (tx) => {
      await submit('w-3', batch[0]!);
      await submit('w-4', batch[1]!);
      expect(await pending()).toBe(2);
      // A batch in the transaction that holds the lock (a correction of w-3: same bucket) drains them before it commits.
      const correction = contact('w-3', 12);
      await new ContactsService(tx).record(server.org.id, [{
        ...correction, talkSeconds: 151,
        offeredAt: new Date(correction.offeredAt), answeredAt: new Date(correction.answeredAt), endedAt: new Date(correction.endedAt),
      }]);
      expect(await pending(tx)).toBe(0);
    });
    answered.push(...batch);
    // Committed with the batch: no sweep needed.
    expect(await kpis()).toEqual(reference(answered));
  });

  it('answers submitted in parallel without a batch are all counted when their calls return', async () => {
    const answers = Array.from({ length: 7 }, (_, i) => ({ csat: (i % 5) + 1, nps: i, complaint: i % 3 === 0 }));
    await Promise.all(answers.map((a, i) => submit(`w-${i + 5}`, a)));
    answered.push(...answers);
    expect(await kpis()).toEqual(reference(answered));
    expect(await pending()).toBe(0);
  });

  it('waits for a short writer holding the lock (another answer, the sweep) and counts the answer before returning', async () => {
    await invitedContact('w-12', 48);
    const answer = { csat: 5, nps: 7, complaint: false };
    let submitted: Promise<string> | undefined;
    let returnedEarly = false;
    await whileShortWriterHolds(async () => {
      submitted = submit('w-12', answer);
      void submitted.then(() => (returnedEarly = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    expect(returnedEarly).toBe(false); // it waited: an answer behind another one is not left to the sweep
    await submitted;
    answered.push(answer);
    expect(await pending()).toBe(0);
    expect(await kpis()).toEqual(reference(answered));
  });

  it('waits for a short writer at most SHORT_WAIT_MS, then leaves the answer to the next holder', async () => {
    await invitedContact('w-13', 52);
    const answer = { csat: 3, nps: 5, complaint: true };
    await whileShortWriterHolds(async () => {
      const started = Date.now();
      await submit('w-13', answer);
      expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_WAIT_MS - 50);
      expect(await pending()).toBe(1);
    });
    answered.push(answer);
    await eventually(async () => expect(await kpis()).toEqual(reference(answered)));
    expect(await pending()).toBe(0);
  });
});
