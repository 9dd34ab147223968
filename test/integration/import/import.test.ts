import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { importActivityCsv, importContactsCsv } from '../../../src/import/csv-import';
import { importAnonymousBank } from '../../../src/import/anonymous-bank-import';
import { formatProblem, ImportFileError } from '../../../src/import/problems';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BANK_FILE = path.resolve(repoRoot, 'data/anonymous-bank-1999-02.tsv');

const GOOD_CSV = [
  'external_id,channel,queue,team,agent,customer_ref,offered_at,answered_at,ended_at,talk_seconds,hold_seconds,after_contact_work_seconds,transfers,resolved,disposition,direction',
  'g-1,VOICE,billing,north,ann,cust-1,2026-03-02T09:00:00+02:00,2026-03-02T09:00:12+02:00,2026-03-02T09:05:00+02:00,250,20,30,1,yes,"sale, upsell",',
  'g-2,CHAT,support,,,,2026-03-02T08:00:00Z,,2026-03-02T08:01:30Z,,,,,,,',
  'g-3,EMAIL,support,south,bob,,2026-03-02T10:00:00.700Z,2026-03-02T11:00:00Z,2026-03-02T11:10:00Z,600,0,0,0,false,,OUTBOUND',
].join('\r\n');

// Header on line 1; line 3 ends before it starts, line 5 repeats line 2's id.
const BAD_CSV = [
  'external_id,channel,queue,offered_at,answered_at,ended_at,resolved',
  'b-1,VOICE,billing,2026-03-02T09:00:00Z,,2026-03-02T09:01:00Z,',
  'b-2,VOICE,billing,2026-03-02T09:00:00Z,,2026-03-02T08:59:00Z,',
  'b-3,VOICE,billing,2026-03-02T09:00:00Z,,2026-03-02T09:01:00Z,1',
  'b-1,VOICE,billing,2026-03-02T09:30:00Z,,2026-03-02T09:31:00Z,',
  'b-4,VOICE,billing,2026-03-02T09:00:00Z,2026-03-02T09:00:05Z,2026-03-02T09:01:00Z,no',
  '',
].join('\n');

describe('import commands', () => {
  let db: TestDatabase;
  let dir: string;
  const file = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await writeFile(at, text);
    return at;
  };
  /** A fresh organization per test, so counts never mix. */
  const organization = async (slug: string): Promise<number> =>
    (await db.orm.em.getConnection().execute(`insert into organization (slug, name) values (?, ?) returning id`, [slug, slug]))[0].id;
  /** Raw rows, with the *_at columns (text from the driver) as Dates. */
  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[]): Promise<T[]> => {
    const rows = await db.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(query, params);
    return rows.map(
      (row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, k.endsWith('_at') && typeof v === 'string' ? new Date(v) : v]),
        ) as T,
    );
  };
  const contacts = (organizationId: number) =>
    sql(
      `select c.external_id, c.channel, c.direction, q.key as queue, t.key as team, a.key as agent, c.customer_ref,
              c.offered_at, c.answered_at, c.ended_at, c.wait_seconds, c.talk_seconds, c.hold_seconds,
              c.after_contact_work_seconds, c.transfers, c.resolved, c.disposition
       from contact c join queue q on q.id = c.queue_id
       left join team t on t.id = c.team_id left join agent a on a.id = c.agent_id
       where c.organization_id = ? order by c.external_id`,
      [organizationId],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'callpulse-import-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores a good CSV exactly, and a re-import changes nothing', async () => {
    const org = await organization('csv-good');
    const csv = await file('good.csv', GOOD_CSV);
    const progress: string[] = [];
    const first = await importContactsCsv(db.orm.em, org, csv, { batchSize: 2, progress: (m) => progress.push(m) });
    expect(first).toMatchObject({ read: 3, created: 3, updated: 0, unchanged: 0, rejected: 0, written: true });
    expect(progress).toEqual(['checked 3 rows: no problems, writing', 'rows read 2, written 2', 'rows read 3, written 3']);

    expect(await contacts(org)).toEqual([
      {
        external_id: 'g-1', channel: 'VOICE', direction: 'INBOUND', queue: 'billing', team: 'north', agent: 'ann',
        customer_ref: 'cust-1', offered_at: new Date('2026-03-02T07:00:00Z'), answered_at: new Date('2026-03-02T07:00:12Z'),
        ended_at: new Date('2026-03-02T07:05:00Z'), wait_seconds: 12, talk_seconds: 250, hold_seconds: 20,
        after_contact_work_seconds: 30, transfers: 1, resolved: true, disposition: 'sale, upsell',
      },
      {
        external_id: 'g-2', channel: 'CHAT', direction: 'INBOUND', queue: 'support', team: null, agent: null,
        customer_ref: null, offered_at: new Date('2026-03-02T08:00:00Z'), answered_at: null,
        ended_at: new Date('2026-03-02T08:01:30Z'), wait_seconds: 90, talk_seconds: 0, hold_seconds: 0,
        after_contact_work_seconds: 0, transfers: 0, resolved: null, disposition: null,
      },
      {
        external_id: 'g-3', channel: 'EMAIL', direction: 'OUTBOUND', queue: 'support', team: 'south', agent: 'bob',
        customer_ref: null, offered_at: new Date('2026-03-02T10:00:00Z'), answered_at: new Date('2026-03-02T11:00:00Z'),
        ended_at: new Date('2026-03-02T11:10:00Z'), wait_seconds: 3600, talk_seconds: 600, hold_seconds: 0,
        after_contact_work_seconds: 0, transfers: 0, resolved: false, disposition: null,
      },
    ]);

    const again = await importContactsCsv(db.orm.em, org, csv);
    expect(again).toMatchObject({ read: 3, created: 0, updated: 0, unchanged: 3, rejected: 0 });
  });

  it('writes nothing from a file with bad rows, and names their lines', async () => {
    const org = await organization('csv-bad');
    const summary = await importContactsCsv(db.orm.em, org, await file('bad.csv', BAD_CSV));
    expect(summary).toMatchObject({ read: 5, created: 0, rejected: 2, problemCount: 2, written: false });
    expect(summary.problems.map(formatProblem)).toEqual([
      'line 3: ended_at: must not be before offered_at (ENDED_BEFORE_OFFERED)',
      'line 5: external_id: "b-1" appears more than once in the file (DUPLICATE_EXTERNAL_ID)',
    ]);
    expect(await contacts(org)).toEqual([]);
  });

  it('rejects cells PostgreSQL could not store (NUL, a year outside 1970..2100) with a clear problem, writing nothing', async () => {
    const org = await organization('csv-unstorable');
    const text = [
      'external_id,channel,queue,customer_ref,offered_at,ended_at,disposition',
      'u-1,VOICE,billing,cust-1,2026-03-02T09:00:00Z,2026-03-02T09:01:00Z,',
      'u-2,VOICE,billing,cust\u00002,2026-03-02T09:00:00Z,2026-03-02T09:01:00Z,refund\u0000',
      'u-3,VOICE,billing,,9999-03-02T09:00:00Z,9999-03-02T09:01:00Z,',
      'u-4,VOICE,billing,,1969-12-31T23:00:00Z,1970-01-01T00:01:00Z,',
      '',
    ].join('\n');
    const summary = await importContactsCsv(db.orm.em, org, await file('unstorable.csv', text));
    expect(summary).toMatchObject({ read: 4, created: 0, rejected: 3, written: false });
    expect(summary.problems.map(formatProblem)).toEqual([
      'line 3: customer_ref: must not contain the NUL character (U+0000) (NUL_CHARACTER)',
      'line 3: disposition: must not contain the NUL character (U+0000) (NUL_CHARACTER)',
      'line 4: offered_at: must be in the years 1970 to 2100 (UTC), got year 9999 (YEAR_OUT_OF_RANGE)',
      'line 4: ended_at: must be in the years 1970 to 2100 (UTC), got year 9999 (YEAR_OUT_OF_RANGE)',
      'line 5: offered_at: must be in the years 1970 to 2100 (UTC), got year 1969 (YEAR_OUT_OF_RANGE)',
    ]);
    expect(await contacts(org)).toEqual([]);
    // With skipInvalid the good row is written and the batch does not fail in the database.
    const skipping = await importContactsCsv(db.orm.em, org, await file('unstorable.csv', text), { skipInvalid: true });
    expect(skipping).toMatchObject({ created: 1, rejected: 3, written: true });
  });

  it('with skipInvalid, writes the good rows and reports the bad lines', async () => {
    const org = await organization('csv-skip');
    const summary = await importContactsCsv(db.orm.em, org, await file('bad.csv', BAD_CSV), { skipInvalid: true });
    expect(summary).toMatchObject({ read: 5, created: 3, rejected: 2, written: true });
    expect(summary.problems.map((p) => p.line)).toEqual([3, 5]);
    const stored = await contacts(org);
    expect(stored.map((c) => c.external_id)).toEqual(['b-1', 'b-3', 'b-4']);
    // The first b-1 (line 2) is kept; its later duplicate is not applied.
    expect(stored[0].offered_at).toEqual(new Date('2026-03-02T09:00:00Z'));
  });

  it('imports agent activity from CSV: every bad line named and nothing written, then the good file idempotently', async () => {
    const org = await organization('csv-activity');
    const activity = () =>
      sql(
        `select a.key as agent, t.key as team, x.interval_start as start_at, x.logged_in_seconds, x.available_seconds, x.handling_seconds, x.not_ready_seconds
         from agent_activity x join agent a on a.id = x.agent_id left join team t on t.id = x.team_id
         where x.organization_id = ? order by a.key, x.interval_start`,
        [org],
      );
    const header = 'agent,team,interval_start,logged_in_seconds,available_seconds,handling_seconds,not_ready_seconds';
    const bad = [
      header,
      'ann,north,2026-03-02T09:00:00+01:00,900,300,500,100',
      'ann,north,2026-03-02T09:10:00+01:00,900,300,500,100',
      'bob,,2026-03-02T08:00:00Z,900,300,500,99',
      'bob,,2026-03-02T08:15:00Z,,300,500,100',
      'ann,north,2026-03-02T08:00:00Z,900,300,500,100',
    ].join('\n');
    const refused = await importActivityCsv(db.orm.em, org, await file('activity-bad.csv', bad));
    expect(refused).toMatchObject({ read: 5, rejected: 4, written: false });
    expect(refused.problems.map(formatProblem)).toEqual([
      'line 3: interval_start: must start a 15-minute interval (:00, :15, :30 or :45 UTC, whole minute) (NOT_ALIGNED)',
      'line 4: logged_in_seconds: must equal available_seconds + handling_seconds + not_ready_seconds (300 + 500 + 99 = 899), got 900 (PARTS_MISMATCH)',
      'line 5: logged_in_seconds: must be a whole number of seconds (NOT_AN_INTEGER)',
      'line 6: interval_start: agent "ann" has interval 2026-03-02T08:00:00.000Z more than once in the file (DUPLICATE_INTERVAL)',
    ]);
    expect(await activity()).toEqual([]);

    const good = [header, 'ann,north,2026-03-02T09:00:00+01:00,900,300,500,100', 'bob,,2026-03-02T08:15:00Z,600,0,600,0'].join('\r\n');
    const at = await file('activity.csv', good);
    expect(await importActivityCsv(db.orm.em, org, at)).toMatchObject({ read: 2, created: 2, rejected: 0, written: true });
    expect(await activity()).toEqual([
      { agent: 'ann', team: 'north', start_at: new Date('2026-03-02T08:00:00Z'), logged_in_seconds: 900, available_seconds: 300, handling_seconds: 500, not_ready_seconds: 100 },
      { agent: 'bob', team: null, start_at: new Date('2026-03-02T08:15:00Z'), logged_in_seconds: 600, available_seconds: 0, handling_seconds: 600, not_ready_seconds: 0 },
    ]);
    expect(await importActivityCsv(db.orm.em, org, at)).toMatchObject({ read: 2, created: 0, unchanged: 2 });
  });

  it('stops on a file it cannot read as a whole: unknown column, broken quoting', async () => {
    const org = await organization('csv-broken');
    await expect(importContactsCsv(db.orm.em, org, await file('h.csv', 'external_id,channel,queue,offered_at,ended_at,wait\n'))).rejects.toThrow(
      /unknown column\(s\) "wait"/,
    );
    const quote = 'external_id,channel,queue,offered_at,ended_at\n"x-1,VOICE,q,2026-01-01T00:00:00Z,2026-01-01T00:01:00Z\n';
    await expect(importContactsCsv(db.orm.em, org, await file('q.csv', quote))).rejects.toThrow(ImportFileError);
    expect(await contacts(org)).toEqual([]);
  });

  it('imports the real anonymous-bank file', async () => {
    // Independent count, straight from the file: every call but PHANTOMs and HANGs that never queued.
    const lines = (await readFile(BANK_FILE, 'utf8')).split('\r\n').filter((l) => l.trim() !== '');
    const names = lines[0].split('\t');
    const rows = lines.slice(1).map((l) => {
      const cells = l.split('\t');
      return { outcome: cells[names.indexOf('outcome')], qStart: cells[names.indexOf('q_start')] };
    });
    const kept = rows.filter((r) => r.outcome !== 'PHANTOM' && !(r.outcome === 'HANG' && r.qStart === '0:00:00'));
    const answered = kept.filter((r) => r.outcome === 'AGENT').length;
    expect(rows.length).toBe(33_344);

    const org = await organization('bank');
    const summary = await importAnonymousBank(db.orm.em, org, BANK_FILE, { timeZone: 'Asia/Jerusalem' });
    expect(summary).toMatchObject({ read: rows.length, created: kept.length, rejected: 0, written: true });
    expect(summary.skipped).toEqual({
      'PHANTOM (not a real call)': rows.filter((r) => r.outcome === 'PHANTOM').length,
      'HANG before queueing': rows.filter((r) => r.outcome === 'HANG' && r.qStart === '0:00:00').length,
    });

    const [counts] = await sql<{ all: number; answered: number; abandoned: number }>(
      `select count(*)::int as all, count(answered_at)::int as answered,
              count(*) filter (where answered_at is null)::int as abandoned
       from contact where organization_id = ?`,
      [org],
    );
    expect(counts).toEqual({ all: kept.length, answered, abandoned: kept.length - answered });

    const spot = async (externalId: string) =>
      (
        await sql(
          `select c.offered_at, c.answered_at, c.ended_at, c.wait_seconds, c.talk_seconds, a.key as agent, c.customer_ref
           from contact c left join agent a on a.id = c.agent_id where c.organization_id = ? and c.external_id = ?`,
          [org, externalId],
        )
      )[0];
    // AA0101 34536: AGENT, never queued, served by DORIT at 7:02:55 local (UTC+2) for 166 s.
    expect(await spot('AA0101-34536')).toEqual({
      offered_at: new Date('1999-02-01T05:02:55Z'), answered_at: new Date('1999-02-01T05:02:55Z'),
      ended_at: new Date('1999-02-01T05:05:41Z'), wait_seconds: 0, talk_seconds: 166, agent: 'DORIT', customer_ref: null,
    });
    // AA0101 34539: queued at 8:09:22, hung up after 5 s.
    expect(await spot('AA0101-34539')).toEqual({
      offered_at: new Date('1999-02-01T06:09:22Z'), answered_at: null, ended_at: new Date('1999-02-01T06:09:27Z'),
      wait_seconds: 5, talk_seconds: 0, agent: null, customer_ref: '23317894',
    });
    // AA0102 30456: queued at 9:47:17 on Feb 7, waited 174 s, KAZAV talked 77 s.
    expect(await spot('AA0102-30456')).toEqual({
      offered_at: new Date('1999-02-07T07:47:17Z'), answered_at: new Date('1999-02-07T07:50:11Z'),
      ended_at: new Date('1999-02-07T07:51:28Z'), wait_seconds: 174, talk_seconds: 77, agent: 'KAZAV', customer_ref: '25627027',
    });
    // AA0115 14375: entered at 23:59:56 on Feb 10, queued at 0:00:02 — on Feb 11.
    expect((await spot('AA0115-14375')).offered_at).toEqual(new Date('1999-02-10T22:00:02Z'));
  });
});
