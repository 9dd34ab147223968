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
 * Returns whether the zone changed.
 */
export async function changeReportingZone(em: EntityManager, organizationId: number, timeZone: string): Promise<boolean> {
  return writeTransaction(em, async (tx) => {
    await lockOrganizationWrites(tx, organizationId);
    const [changed] = await tx.execute<Array<{ id: number }>>(
      'update organization set reporting_time_zone = ? where id = ? and reporting_time_zone <> ? returning id',
      [timeZone, organizationId, timeZone],
    );
    if (!changed) return false;
    await rebuildLocalDays(tx, organizationId, CONTACT_FACT);
    await rebuildLocalDays(tx, organizationId, ACTIVITY_FACT);
    return true;
  });
}
