import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { OrganizationService } from '../org/organization.service';
import { OrganizationView, toOrganizationView } from '../org/organization.resolver';
import { badUserInput } from '../platform/errors';
import { changeReportingZone } from '../warehouse/reporting-zone';
import { isValidTimeZone } from '../platform/calendar';
import { rememberReportingZone } from './kpi.service';
import type { DomainEventBus } from '../org/events';

/**
 * Sets the zone an organization's reports are usually cut in: its local-day
 * rollups are rebuilt for it (warehouse), and this server plans its next
 * report for it at once (others notice from their next statement's snapshot).
 * `events` is told 'organization.zoneChanged' after commit when the zone changed.
 */
export async function setReportingZone(em: EntityManager, organizationId: number, timeZone: string, events?: DomainEventBus): Promise<void> {
  if (!isValidTimeZone(timeZone)) {
    const message = `"${timeZone}" is not an IANA time zone name`;
    throw badUserInput(`timeZone: ${message}`, [{ field: 'timeZone', rule: 'UNKNOWN_TIME_ZONE', message }]);
  }
  const previous = await changeReportingZone(em.fork(), organizationId, timeZone);
  rememberReportingZone(organizationId, timeZone);
  if (previous !== null) await events?.emit('organization.zoneChanged', { organizationId, previous, timeZone });
}

@Resolver()
export class ReportingZoneResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => OrganizationView, {
    description: 'Sets the zone reports are usually cut in, and rebuilds its local-day rollups (seconds for a year of contacts).',
  })
  async setReportingTimeZone(@Ctx() ctx: Context, @Arg('timeZone', () => String) timeZone: string): Promise<OrganizationView> {
    const principal = await requirePrincipal(ctx);
    await setReportingZone(ctx.em, principal.organizationId, timeZone, ctx.events);
    return toOrganizationView(await new OrganizationService(ctx.em).get(principal.organizationId));
  }
}
