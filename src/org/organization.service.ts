import { writeTransaction } from '../platform/write-transaction';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isValidTimeZone } from '../analytics/calendar';
import { rememberReportingZone } from '../analytics/kpi.service';
import { rebuildLocalDays } from '../warehouse/rebuild';
import { ACTIVITY_FACT, CONTACT_FACT } from '../warehouse/facts';
import { lockOrganizationWrites } from '../warehouse/write-lock';
import { badUserInput } from '../platform/errors';
import { Organization } from './organization.entity';

/** An organization's own settings. */
export class OrganizationService {
  constructor(private readonly em: EntityManager) {}

  get(organizationId: number): Promise<Organization> {
    return this.em.fork().findOneOrFail(Organization, organizationId);
  }

  /**
   * Sets the zone reports are usually cut in and rebuilds the local-day rollups for it
   * (in one transaction with the organization's writes held: every report sees the old
   * zone and its rows, or the new zone and its rows). Reports cut in any zone stay
   * exact; those cut in this one read a row per day instead of 24 hour rows.
   */
  async setReportingTimeZone(organizationId: number, timeZone: string): Promise<Organization> {
    if (!isValidTimeZone(timeZone)) {
      const message = `"${timeZone}" is not an IANA time zone name`;
      throw badUserInput(`timeZone: ${message}`, [{ field: 'timeZone', rule: 'UNKNOWN_TIME_ZONE', message }]);
    }
    await writeTransaction(this.em.fork(), async (tx) => {
      await lockOrganizationWrites(tx, organizationId);
      const [changed] = await tx.execute<Array<{ id: number }>>(
        'update organization set reporting_time_zone = ? where id = ? and reporting_time_zone <> ? returning id',
        [timeZone, organizationId, timeZone],
      );
      if (!changed) return;
      await rebuildLocalDays(tx, organizationId, CONTACT_FACT);
      await rebuildLocalDays(tx, organizationId, ACTIVITY_FACT);
    });
    rememberReportingZone(organizationId, timeZone);
    return this.get(organizationId);
  }
}
