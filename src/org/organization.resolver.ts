import { Authorized, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from './auth';
import type { Context } from './context';
import type { Organization } from './organization.entity';
import { OrganizationService } from './organization.service';

@ObjectType('Organization', { description: 'The organization the API key belongs to, and its settings.' })
export class OrganizationView {
  @Field(() => ID) id!: string;
  @Field(() => String) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => String, {
    description:
      'The IANA zone its reports are usually cut in (default "UTC"). Queries cut in any zone are exact; those cut in this one read one rollup row per local day, as fast as UTC days.',
  })
  reportingTimeZone!: string;
}

export const toOrganizationView = (o: Organization): OrganizationView => ({ id: String(o.id), slug: o.slug, name: o.name, reportingTimeZone: o.reportingTimeZone });

@Resolver()
export class OrganizationResolver {
  @Authorized(Permission.READ)
  @Query(() => OrganizationView, { description: 'The organization of the API key.' })
  async organization(@Ctx() ctx: Context): Promise<OrganizationView> {
    const principal = await requirePrincipal(ctx);
    return toOrganizationView(await new OrganizationService(ctx.em).get(principal.organizationId));
  }
}
