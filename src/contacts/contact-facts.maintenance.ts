import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLLUP_SUMS } from '../analytics/contact-sums';

/**
 * Keeps what is derived from contacts exact, inside the writing transaction:
 * system FCR flags (a later contact flips an earlier one) and the 15-minute
 * rollups. Writers of one organization are serialized by `lockOrganizationWrites`,
 * so recomputing a bucket from its contacts can never miss a concurrent write.
 */

/** A moment whose contacts changed, for a customer (FCR) and a bucket (rollups). */
export interface ChangedContact {
  offeredAt: string;
  customerRef: string | null;
}

const WRITE_LOCK_SPACE = 7100;
/** Rollup buckets: 15 minutes, aligned on UTC (every zone's offset is a multiple of 15 minutes today). */
export const BUCKET_MS = 15 * 60_000;

export async function lockOrganizationWrites(em: EntityManager, organizationId: number): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?, ?)', [WRITE_LOCK_SPACE, organizationId]);
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
       select customer_ref, min(t) - interval '7 days' as lo, max(t) as hi
       from jsonb_to_recordset(?::jsonb) as x(customer_ref text, t timestamptz) group by customer_ref),
     candidates as (
       select c.id,
         case when c.answered_at is null then null else not exists (
           select 1 from contact n
           where n.organization_id = c.organization_id and n.customer_ref = c.customer_ref and n.direction = 'INBOUND'
             and n.offered_at > c.offered_at and n.offered_at <= c.offered_at + interval '7 days') end as fcr
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

const ROLLUP_COLUMNS = Object.keys(ROLLUP_SUMS);
const DIMENSIONS = ['channel', 'direction', 'queue_id', 'team_id', 'agent_id'];
const WAIT_DIMENSIONS = ['channel', 'queue_id', 'team_id', 'agent_id'];

/** Rebuilds both rollups for every 15-minute bucket containing one of `moments`. */
export async function refreshRollups(em: EntityManager, organizationId: number, moments: readonly string[]): Promise<void> {
  if (moments.length === 0) return;
  const starts = [...new Set(moments.map((m) => Math.floor(Date.parse(m) / BUCKET_MS) * BUCKET_MS))].sort((a, b) => a - b);
  const buckets = `{${starts.map((ms) => new Date(ms).toISOString()).join(',')}}`;
  // A lateral index range scan per bucket: cost follows the contacts in the affected buckets only.
  const contactsInBuckets = `unnest(?::timestamptz[]) as k(b) cross join lateral (
      select * from contact c
      where c.organization_id = ? and c.offered_at >= k.b and c.offered_at < k.b + interval '15 minutes') c`;
  for (const table of ['contact_rollup', 'contact_wait_rollup']) {
    await em.execute(`delete from ${table} where organization_id = ? and bucket = any(?::timestamptz[])`, [organizationId, buckets]);
  }
  await em.execute(
    `insert into contact_rollup (organization_id, bucket, ${DIMENSIONS.join(', ')}, ${ROLLUP_COLUMNS.join(', ')})
     select c.organization_id, k.b, ${DIMENSIONS.map((d) => `c.${d}`).join(', ')}, ${Object.values(ROLLUP_SUMS).join(', ')}
     from ${contactsInBuckets}
     group by c.organization_id, k.b, ${DIMENSIONS.map((d) => `c.${d}`).join(', ')}`,
    [buckets, organizationId],
  );
  await em.execute(
    `insert into contact_wait_rollup (organization_id, bucket, ${WAIT_DIMENSIONS.join(', ')}, answered, wait_seconds, contacts)
     select c.organization_id, k.b, ${WAIT_DIMENSIONS.map((d) => `c.${d}`).join(', ')}, c.answered_at is not null, c.wait_seconds, count(*)
     from ${contactsInBuckets}
     where c.direction = 'INBOUND'
     group by c.organization_id, k.b, ${WAIT_DIMENSIONS.map((d) => `c.${d}`).join(', ')}, c.answered_at is not null, c.wait_seconds`,
    [buckets, organizationId],
  );
}
