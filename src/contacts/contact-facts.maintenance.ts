import { writeTransaction } from '../platform/write-transaction';
import type { EntityManager } from '@mikro-orm/postgresql';
import { rebuildActivityRollups, resolveHourlyCosts } from '../activity/activity-facts.maintenance';
import { binned, fixedBuckets, rederiveBuckets, refreshBuckets, timeRangeOf, type Bucket } from '../analytics/rollup-buckets';
import { BUCKET_MS, FINEST_GRAIN, ROLLUP_AGGREGATES, ROLLUP_DIMENSIONS, ROLLUP_GRAINS, type RollupGrain } from '../analytics/contact-sums';
import { NO_LOCAL_DAYS_ZONE, localDaysFromTo, localDaysHolding } from '../analytics/source-plan';
import { reportingZoneOf } from '../org/reporting-zone';

/**
 * Keeps what is derived from contacts exact, inside the writing transaction:
 * system FCR flags (a later contact flips an earlier one) and the rollups. Writers of one organization are serialized by `lockOrganizationWrites`,
 * so recomputing a bucket from its contacts can never miss a concurrent write.
 */

/**
 * The FCR window, 7 days, as SQL. Written in hours: PostgreSQL adds a '7 days' interval
 * to a timestamptz in the session's TimeZone (167 or 169 hours across a DST change
 * there), which would make stored FCR depend on the database server's settings.
 */
const FCR_WINDOW = `interval '168 hours'`;

/** A moment whose contacts changed, for a customer (FCR) and a bucket (rollups). */
export interface ChangedContact {
  offeredAt: string;
  customerRef: string | null;
}

const WRITE_LOCK_SPACE = 7100;

export async function lockOrganizationWrites(em: EntityManager, organizationId: number): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?, ?)', [WRITE_LOCK_SPACE, organizationId]);
}

/** The same lock without waiting: true when this transaction now holds it. */
export async function tryLockOrganizationWrites(em: EntityManager, organizationId: number): Promise<boolean> {
  const rows: Array<{ locked: boolean }> = await em.execute('select pg_try_advisory_xact_lock(?, ?) as locked', [WRITE_LOCK_SPACE, organizationId]);
  return rows[0]!.locked;
}

/**
 * Recomputes first_contact_resolved for every inbound contact of the changed
 * customers that a change can affect: those offered in [t − 7 days, t] around
 * each changed moment t. Returns the offeredAt of every contact whose flag flipped.
 */
export async function refreshFirstContactResolution(
  em: EntityManager,
  organizationId: number,
  changed: readonly ChangedContact[],
): Promise<string[]> {
  const moments = changed.filter((c) => c.customerRef !== null);
  if (moments.length === 0) return [];
  const flipped: Array<{ offered_at: string | Date }> = await em.execute(
    `with changed as (
       select customer_ref, min(t) - ${FCR_WINDOW} as lo, max(t) as hi
       from jsonb_to_recordset(?::jsonb) as x(customer_ref text, t timestamptz) group by customer_ref),
     candidates as (
       select c.id,
         case when c.answered_at is null then null else not exists (
           select 1 from contact n
           where n.organization_id = c.organization_id and n.customer_ref = c.customer_ref and n.direction = 'INBOUND'
             and n.offered_at > c.offered_at and n.offered_at <= c.offered_at + ${FCR_WINDOW}) end as fcr
       from contact c join changed w on w.customer_ref = c.customer_ref
       where c.organization_id = ? and c.direction = 'INBOUND' and c.offered_at between w.lo and w.hi)
     update contact set first_contact_resolved = candidates.fcr
     from candidates
     where contact.id = candidates.id and contact.first_contact_resolved is distinct from candidates.fcr
     returning contact.offered_at`,
    [JSON.stringify(moments.map((m) => ({ customer_ref: m.customerRef, t: m.offeredAt }))), organizationId],
  );
  return flipped.map((r) => new Date(r.offered_at).toISOString());
}

/**
 * Recomputes the survey tallies of contacts from their invitations and responses
 * (exact, whatever happened before) and returns the contacts' offeredAt, whose
 * rollup buckets must follow. `contactIds` null: every contact of the organization.
 */
export async function refreshSurveyTallies(
  em: EntityManager,
  organizationId: number,
  contactIds: readonly string[] | null,
): Promise<string[]> {
  const which = contactIds === null ? '' : 'and c.id = any(?::bigint[])';
  const rows: Array<{ offered_at: string | Date }> = await em.execute(
    `update contact c set
       survey_invitations = coalesce(i.n, 0), survey_responses = coalesce(r.n, 0), csat_top2 = coalesce(r.top2, 0),
       csat_sum = coalesce(r.csat_sum, 0), resolution_answered = coalesce(r.resolution_answered, 0),
       resolution_yes = coalesce(r.resolution_yes, 0), complaints = coalesce(r.complaints, 0),
       nps_answers = coalesce(r.nps_answers, 0), nps_promoters = coalesce(r.nps_promoters, 0),
       nps_detractors = coalesce(r.nps_detractors, 0)
     from contact k
     left join lateral (select count(*) as n from survey_invitation i
                        where i.organization_id = k.organization_id and i.contact_id = k.id) i on true
     left join lateral (select count(*) as n, count(*) filter (where csat >= 4) as top2, sum(csat) as csat_sum,
                          count(resolved) as resolution_answered, count(*) filter (where resolved) as resolution_yes,
                          count(*) filter (where complaint) as complaints, count(nps) as nps_answers,
                          count(*) filter (where nps >= 9) as nps_promoters, count(*) filter (where nps <= 6) as nps_detractors
                        from survey_response r where r.organization_id = k.organization_id and r.contact_id = k.id) r on true
     where c.id = k.id and c.organization_id = ? ${which}
       and (c.survey_invitations, c.survey_responses, c.csat_top2, c.csat_sum, c.resolution_answered, c.resolution_yes,
            c.complaints, c.nps_answers, c.nps_promoters, c.nps_detractors)
           is distinct from (coalesce(i.n, 0), coalesce(r.n, 0), coalesce(r.top2, 0), coalesce(r.csat_sum, 0),
            coalesce(r.resolution_answered, 0), coalesce(r.resolution_yes, 0), coalesce(r.complaints, 0),
            coalesce(r.nps_answers, 0), coalesce(r.nps_promoters, 0), coalesce(r.nps_detractors, 0))
     returning c.offered_at`,
    contactIds === null ? [organizationId] : [organizationId, `{${contactIds.join(',')}}`],
  );
  return rows.map((r) => new Date(r.offered_at).toISOString());
}

const ROLLUP_COLUMNS = Object.keys(ROLLUP_AGGREGATES);
const WAIT_DIMENSIONS = ['channel', 'queue_id', 'team_id', 'agent_id'];

/** Rebuilds the rollups of every 15-minute bucket containing one of `moments`, and of the coarser buckets around them. */
export async function refreshRollups(em: EntityManager, organizationId: number, moments: readonly string[]): Promise<void> {
  if (moments.length === 0) return;
  const quarterHours = { tables: ['contact_rollup', 'contact_wait_rollup'], bucketsHolding: fixedBuckets(BUCKET_MS) };
  const starts = await refreshBuckets(em, organizationId, quarterHours, moments.map((m) => Date.parse(m)), CONTACTS, (from, bucket, params) =>
    insertRollups(em, from, bucket, params),
  );
  await refreshCoarserGrains(em, organizationId, starts);
}

const CONTACTS = { table: 'contact', alias: 'c', time: 'offered_at' };

/** Re-sums the coarser grains' rows over the changed 15-minute buckets, each from its finer grain (summed first). */
async function refreshCoarserGrains(em: EntityManager, organizationId: number, changedBuckets: readonly number[]): Promise<void> {
  const zone = await reportingZoneOf(em, organizationId);
  for (const grain of summedGrains()) {
    if (grain.local) {
      if (zone !== NO_LOCAL_DAYS_ZONE) await rederiveLocalDays(em, organizationId, grain, localDaysHolding(changedBuckets, zone));
      continue;
    }
    const finer = { table: grain.finer.table, alias: 'f', time: 'bucket' };
    await refreshBuckets(em, organizationId, { tables: [grain.table], bucketsHolding: fixedBuckets(grain.ms) }, changedBuckets, finer, (from, bucket, params) =>
      sumFinerGrain(em, grain, from, bucket, params),
    );
  }
}

/**
 * Re-sums days of a local-day grain: from its hour grain when every one starts and
 * ends on the hour, else (zones with :30 and :45 offsets) from the 15-minute grain.
 */
async function rederiveLocalDays(em: EntityManager, organizationId: number, grain: RollupGrain & { finer: RollupGrain }, days: Bucket[]) {
  const onFinerBuckets = days.every(([start, end]) => start % grain.finer.ms === 0 && end % grain.finer.ms === 0);
  const finer = { table: (onFinerBuckets ? grain.finer : FINEST_GRAIN).table, alias: 'f', time: 'bucket' };
  await rederiveBuckets(em, organizationId, [grain.table], days, finer, (from, bucket, params) => sumFinerGrain(em, grain, from, bucket, params));
}

/**
 * Rebuilds an organization's local-day rollups for its reporting zone (none for UTC):
 * after a bulk rebuild, or when the zone changes.
 */
export async function rebuildLocalDayRollups(em: EntityManager, organizationId: number): Promise<void> {
  const zone = await reportingZoneOf(em, organizationId);
  const range = zone === NO_LOCAL_DAYS_ZONE ? null : await timeRangeOf(em, organizationId, FINEST_GRAIN.table, 'bucket');
  const days = range ? localDaysFromTo(...range, zone) : [];
  for (const grain of summedGrains().filter((g) => g.local)) {
    await em.execute(`delete from ${grain.table} where organization_id = ?`, [organizationId]);
    await rederiveLocalDays(em, organizationId, grain, days);
  }
}

/** The grains summed from a finer one, each after the grain it sums (ROLLUP_GRAINS lists a grain before its finer one). */
function summedGrains(): Array<RollupGrain & { finer: RollupGrain }> {
  return ROLLUP_GRAINS.filter((g): g is RollupGrain & { finer: RollupGrain } => g.finer !== undefined).reverse();
}

/**
 * Inserts the rows of a coarser grain from the rows `f` of its finer one, keeping the grain's dimensions.
 * Every rollup insert is ordered by bucket ("order by 2"): a bulk rebuild inserting in hash order
 * scattered each day's rows over the whole table, so a month by day × agent read 2,170 pages instead of 195.
 */
async function sumFinerGrain(em: EntityManager, grain: RollupGrain, source: string, bucket: string, params: unknown[]): Promise<void> {
  const dims = grain.dimensions.map((d) => `f.${d}`).join(', ');
  await em.execute(
    `insert into ${grain.table} (organization_id, bucket, ${grain.dimensions.join(', ')}, ${ROLLUP_COLUMNS.join(', ')})
     select f.organization_id, ${bucket}, ${dims}, ${ROLLUP_COLUMNS.map((c) => `sum(f.${c})`).join(', ')}
     from ${source}
     group by f.organization_id, ${bucket}, ${dims}
     order by 2`,
    params,
  );
}

/** Rebuilds every rollup of a whole organization: one pass over its contacts, then each coarser grain from the finer one. */
async function rebuildRollups(em: EntityManager, organizationId: number): Promise<void> {
  for (const table of [...ROLLUP_GRAINS.map((g) => g.table), 'contact_wait_rollup']) {
    await em.execute(`delete from ${table} where organization_id = ?`, [organizationId]);
  }
  const source = `(select * from contact where organization_id = ?) c`;
  await insertRollups(em, source, binned('c.offered_at', '15 minutes'), [organizationId]);
  for (const grain of summedGrains().filter((g) => !g.local)) {
    const finer = `(select * from ${grain.finer.table} where organization_id = ?) f`;
    await sumFinerGrain(em, grain, finer, binned('f.bucket', grain.interval), [organizationId]);
  }
  await rebuildLocalDayRollups(em, organizationId);
}

async function insertRollups(em: EntityManager, source: string, bucket: string, params: unknown[]): Promise<void> {
  const dims = ROLLUP_DIMENSIONS.map((d) => `c.${d}`).join(', ');
  const waitDims = WAIT_DIMENSIONS.map((d) => `c.${d}`).join(', ');
  await em.execute(
    `insert into contact_rollup (organization_id, bucket, ${ROLLUP_DIMENSIONS.join(', ')}, ${ROLLUP_COLUMNS.join(', ')})
     select c.organization_id, ${bucket}, ${dims}, ${Object.values(ROLLUP_AGGREGATES).join(', ')}
     from ${source}
     group by c.organization_id, ${bucket}, ${dims}
     order by 2`,
    params,
  );
  await em.execute(
    `insert into contact_wait_rollup (organization_id, bucket, ${WAIT_DIMENSIONS.join(', ')}, answered, wait_seconds, contacts)
     select c.organization_id, ${bucket}, ${waitDims}, c.answered_at is not null, c.wait_seconds, count(*)
     from ${source}
     where c.direction = 'INBOUND'
     group by c.organization_id, ${bucket}, ${waitDims}, c.answered_at is not null, c.wait_seconds
     order by 2`,
    params,
  );
}

/**
 * Recomputes every FCR flag, survey tally and rollup of an organization from its contacts,
 * and the cost and rollups of its agent activity: for bulk loads and for operators after
 * restoring or repairing data.
 */
export async function rebuildOrganizationFacts(em: EntityManager, organizationId: number): Promise<void> {
  await writeTransaction(em, async (tx) => {
    await lockOrganizationWrites(tx, organizationId);
    // The next strictly later inbound contact of the same customer decides FCR.
    await tx.execute(
      `with next as (
         select id, answered_at is not null as answered, offered_at,
           min(offered_at) over (partition by customer_ref order by offered_at
                                 range between '1 second' following and unbounded following) as next_at
         from contact where organization_id = ? and direction = 'INBOUND' and customer_ref is not null),
       flags as (
         select id, case when answered then next_at is null or next_at > offered_at + ${FCR_WINDOW} end as fcr from next)
       update contact c set first_contact_resolved = flags.fcr
       from flags where c.id = flags.id and c.first_contact_resolved is distinct from flags.fcr`,
      [organizationId],
    );
    await refreshSurveyTallies(tx, organizationId, null);
    await rebuildRollups(tx, organizationId);
    await resolveHourlyCosts(tx, organizationId, 'ALL');
    await rebuildActivityRollups(tx, organizationId);
  });
}
