import type { EntityManager } from '@mikro-orm/postgresql';

/** The IANA zone an organization's reports are usually cut in (see Organization.reportingTimeZone). */
export async function reportingZoneOf(em: EntityManager, organizationId: number): Promise<string> {
  const [row] = await em.execute<Array<{ zone: string }>>('select reporting_time_zone as zone from organization where id = ?', [organizationId]);
  if (!row) throw new Error(`no organization ${organizationId}`);
  return row.zone;
}
