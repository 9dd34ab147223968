import type { EntityManager } from '@mikro-orm/postgresql';
import { writeTransaction } from '../platform/write-transaction';
import { rebuildLocalDays } from './rebuild';
import { ACTIVITY_FACT, CONTACT_FACT } from './facts';
import { lockOrganizationWrites } from './write-lock';

/**
 * Sets the zone whose local days the organization's day rollups follow, and
 * rebuilds those rollups for it, in one transaction with the organization's
 * writes held: every report sees the old zone and its rows, or the new zone and
 * its rows. `timeZone` must be a valid IANA name (the caller checks it).
 * Returns the zone it replaced, or null when the zone was already `timeZone`.
 */
export async function changeReportingZone(em: EntityManager, organizationId: number, timeZone: string): Promise<string | null> {
  return writeTransaction(em, async (tx) => {
    await lockOrganizationWrites(tx, organizationId);
    // The write lock serializes zone changes too: the zone read is the zone replaced.
    const [changed] = await tx.execute<Array<{ previous: string }>>(
      `update organization o set reporting_time_zone = ? from (select reporting_time_zone from organization where id = ?) p
       where o.id = ? and o.reporting_time_zone <> ? returning p.reporting_time_zone as previous`,
      [timeZone, organizationId, organizationId, timeZone],
    );
    if (!changed) return null;
    await rebuildLocalDays(tx, organizationId, CONTACT_FACT);
    await rebuildLocalDays(tx, organizationId, ACTIVITY_FACT);
    return changed.previous;
  });
}
