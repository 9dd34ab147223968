import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from './channels';
import { CONTACT_FACT } from './facts';
import { binned, ensureDeltaTable, upkeepClock } from './deltas';
import { executeBound } from '../platform/bound-statements';
import type { FactsChanged } from '../org/events';
import { DIMENSIONS } from './dimensions';

/**
 * The contact fact's writes, each staging the versions it replaced and wrote for
 * applyDeltas: the upsert of a batch, the system FCR flags it flips, and the survey
 * tallies. The caller holds the organization's write lock.
 */

const STAGED = CONTACT_FACT.staged;
const DELTA = CONTACT_FACT.deltaTable;

/**
 * The FCR window, 7 days, as SQL. Written in hours: PostgreSQL adds a '7 days' interval
 * to a timestamptz in the session's TimeZone (167 or 169 hours across a DST change
 * there), which would make stored FCR depend on the database server's settings.
 */
export const FCR_WINDOW = `interval '168 hours'`;

/** A contact row to store, its directory keys resolved to ids. */
export interface ContactRow {
  external_id: string;
  channel: string;
  direction: string;
  queue_id: number;
  team_id: number | null;
  /** team_id is the queue's owner, not a team of the contact's own (warehouse/team-rule.ts). */
  team_from_queue: boolean;
  agent_id: number | null;
  customer_ref: string | null;
  offered_at: string;
  answered_at: string | null;
  ended_at: string;
  wait_seconds: number;
  talk_seconds: number;
  hold_seconds: number;
  after_contact_work_seconds: number;
  transfers: number;
  resolved: boolean | null;
  disposition: string | null;
}

/** A contact the upsert created or changed. */
export interface WrittenContact {
  inserted: boolean;
  id: string;
  external_id: string;
  channel: Channel;
  answered: boolean;
}

const COLUMNS = [
  'channel', 'direction', 'queue_id', 'team_id', 'agent_id', 'customer_ref', 'offered_at', 'answered_at',
  'ended_at', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers',
  'resolved', 'disposition', 'team_from_queue',
] as const;
const TYPES: Record<(typeof COLUMNS)[number] | 'external_id', string> = {
  external_id: 'text', channel: 'text', direction: 'text', queue_id: 'int', team_id: 'int', agent_id: 'int', customer_ref: 'text',
  offered_at: 'timestamptz', answered_at: 'timestamptz', ended_at: 'timestamptz', wait_seconds: 'int', talk_seconds: 'int',
  hold_seconds: 'int', after_contact_work_seconds: 'int', transfers: 'int', resolved: 'boolean', disposition: 'text',
  team_from_queue: 'boolean',
};
const INPUT = ['external_id', ...COLUMNS] as const;

/**
 * The upsert, staging in the same statement (one snapshot) the stored version of
 * every contact it changes (−1) and every version it writes (+1). Rows arrive as
 * one array per column (unnest: no JSON to parse) and are inserted in external_id
 * order so concurrent batches lock in the same order. An unchanged re-send matches
 * the WHERE of DO UPDATE nowhere and returns no row.
 *
 * Each row is written with its final FCR flag: the customer's next inbound contact
 * is the earlier of the next one in the batch (a window over the batch) and the
 * next stored one that the batch does not replace (one index probe). Setting the
 * flag afterwards instead updated every row of the batch a second time, with its
 * four foreign-key checks (a row inserted in the same transaction is re-checked on
 * every update) and a −1/+1 pair of deltas more per contact: 390 of 2,500 ms of a
 * batch of 10,000. refreshFirstContactResolution then flips only the flags of the
 * customers' other contacts. The stored versions are looked up by the batch's keys
 * (a join, one index probe each): written as `external_id = any(array)` the
 * planner scanned the whole contact table (247 ms at 530,000 contacts). Only the
 * rows the upsert updated (not inserted) have a stored version: joined on those
 * alone, a batch of new contacts probes nothing (it probed the primary key once
 * per written row: 25 ms of a batch of 10,000 at 2 M contacts).
 */
const UPSERT_CONTACTS = `
  with x as (
    select * from unnest(${INPUT.map((c) => `?::${TYPES[c]}[]`).join(', ')}) as x(${INPUT.join(', ')})),
  flagged as (
    select ${INPUT.map((c) => `y.${c}`).join(', ')},
      case when y.direction = 'INBOUND' and y.customer_ref is not null and y.answered_at is not null then
        coalesce(least(y.next_in_batch, (
          select min(n.offered_at) from contact n
          where n.organization_id = ? and n.customer_ref = y.customer_ref and n.direction = 'INBOUND'
            and n.offered_at > y.offered_at and n.external_id not in (select external_id from x))) > y.offered_at + ${FCR_WINDOW}, true)
      end as first_contact_resolved
    from (
      select x.*, min(x.offered_at) filter (where x.direction = 'INBOUND') over (
        partition by x.customer_ref order by x.offered_at range between current row and unbounded following exclude group) as next_in_batch
      from x) y),
  stored as (
    select ${STAGED.map((c) => `c.${c}`).join(', ')} from x join contact c on c.organization_id = ? and c.external_id = x.external_id),
  written as (
    insert into contact as c (organization_id, ${INPUT.join(', ')}, first_contact_resolved)
    select ?, ${INPUT.map((c) => `f.${c}`).join(', ')}, f.first_contact_resolved from flagged f
    order by f.external_id
    on conflict (organization_id, external_id) do update set
      ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now(), first_contact_resolved = excluded.first_contact_resolved
    where (${COLUMNS.map((c) => `c.${c}`).join(', ')}) is distinct from (${COLUMNS.map((c) => `excluded.${c}`).join(', ')})
    returning (xmax = 0) as inserted, c.external_id, ${STAGED.map((c) => `c.${c}`).join(', ')}),
  staged as (
    insert into ${DELTA} (sign, ${STAGED.join(', ')})
    select -1, ${STAGED.map((c) => `s.${c}`).join(', ')} from stored s join written w on w.id = s.id and not w.inserted
    union all
    select 1, ${STAGED.map((c) => `w.${c}`).join(', ')} from written w)
  select inserted, id, external_id, channel, answered_at is not null as answered from written`;

/** A batch of contact rows as one PostgreSQL array literal per column (arrayLiteral's format), in the same row order. */
export type ContactColumns = Record<keyof ContactRow, string>;

/**
 * Upserts a batch of contacts (one organization, distinct external ids), laid out as
 * column arrays (built by the caller before it took the write lock), staging their
 * deltas; returns those created or changed.
 */
export async function upsertContactColumns(em: EntityManager, organizationId: number, columns: ContactColumns): Promise<WrittenContact[]> {
  await ensureDeltaTable(em, CONTACT_FACT);
  return executeBound(em, UPSERT_CONTACTS, [...INPUT.map((c) => columns[c]), organizationId, organizationId, organizationId]);
}

/**
 * A PostgreSQL array literal ('{…}') of values, for one `?::type[]` parameter (the
 * ORM and knex would spread a JavaScript array into a list).
 */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null>): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/** One element of an array literal: NULL, t or f, a number, or a string quoted with its quotes and backslashes escaped. */
export function arrayElement(v: string | number | boolean | null): string {
  return v === null ? 'NULL' : typeof v === 'string' ? `"${v.replace(/[\\"]/g, (ch) => `\\${ch}`)}"` : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
}

/**
 * Recomputes first_contact_resolved of every inbound contact the staged changes can
 * affect: for each customer of a staged version, its contacts offered in
 * [first change − 7 days, last change], except the written versions themselves
 * (the upsert wrote them with their flag). A flag is true when the contact was answered
 * and the customer's next inbound contact came more than 7 days later (or never);
 * that next contact is one index probe per candidate, evaluated once. Each flip is
 * staged (−1 with the old flag, +1 with the new one). A customer's candidates are
 * read through the customer index by (organization, customer) with the time range
 * as a filter ("+ interval '0 seconds'" keeps it off every index): with the staged
 * rows unanalyzed (a temporary table) and the contact table's statistics behind a
 * bulk load, the planner otherwise scanned the time index for every customer
 * (5,000 rows each, 50 s for a batch of 10,000), and a row comparison over the
 * customer index's three columns read 237 pages a customer (20 s).
 */
export async function refreshFirstContactResolution(em: EntityManager, organizationId: number): Promise<number> {
  const started = performance.now();
  const flipped: Array<{ n: number }> = await em.execute(
    `with changed as (
       select customer_ref, min(offered_at) - ${FCR_WINDOW} as lo, max(offered_at) as hi
       from ${DELTA} where customer_ref is not null and direction = 'INBOUND' group by customer_ref),
     candidates as materialized (
       select c.id, c.first_contact_resolved as was,
         case when c.answered_at is null then null
              else coalesce((select min(n.offered_at) from contact n
                             where n.organization_id = c.organization_id and n.customer_ref = c.customer_ref
                               and n.direction = 'INBOUND' and n.offered_at > c.offered_at) > c.offered_at + ${FCR_WINDOW}, true) end as fcr
       from changed w cross join lateral (
         select * from contact c
         where c.organization_id = ? and c.customer_ref = w.customer_ref and c.customer_ref is not null and c.direction = 'INBOUND'
           and c.offered_at + interval '0 seconds' between w.lo and w.hi
           and c.id not in (select id from ${DELTA} where sign = 1)
         offset 0) c),
     updated as (
       update contact c set first_contact_resolved = k.fcr
       from candidates k
       where c.organization_id = ? and c.id = k.id and k.was is distinct from k.fcr
       returning k.was, ${STAGED.map((col) => `c.${col}`).join(', ')}),
     staged as (
       insert into ${DELTA} (sign, ${STAGED.join(', ')})
       select -1, ${STAGED.map((col) => (col === 'first_contact_resolved' ? 'u.was' : `u.${col}`)).join(', ')} from updated u
       union all
       select 1, ${STAGED.map((col) => `u.${col}`).join(', ')} from updated u)
     select count(*)::int as n from updated`,
    [organizationId, organizationId],
  );
  upkeepClock.fcrMs += performance.now() - started;
  return flipped[0]!.n;
}

/** What a change of one stored contact touched: its quarter hour and its reported dimensions' values (for an event). */
export async function contactChange(em: EntityManager, organizationId: number, contactId: string): Promise<FactsChanged | null> {
  const columns = DIMENSIONS.filter((d) => d.name !== null).map((d) => d.column);
  const [row] = await em.execute<Array<Record<string, string | number | null> & { bucket: Date }>>(
    `select ${binned('offered_at', '15 minutes')} as bucket, ${columns.join(', ')}
     from contact where organization_id = ? and id = ?`,
    [organizationId, contactId],
  );
  if (!row) return null;
  const from = new Date(row.bucket);
  const dimensions = Object.fromEntries(columns.map((c) => [c, row[c] === null || row[c] === undefined ? [] : [row[c]!]]));
  return { organizationId, from, to: new Date(from.getTime() + 15 * 60_000), dimensions };
}
