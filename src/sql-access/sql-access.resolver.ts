import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { SqlAccessService } from './sql-access.service';
import { SqlAccessView } from './sql-access.types';

@Resolver()
export class SqlAccessResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => SqlAccessView, {
    description:
      "Makes a read-only PostgreSQL login that sees only this organization's rows through schema `reporting`, for BI tools. " +
      'The password is shown once. Needs a server database user with CREATEROLE (else SQL_ACCESS_UNAVAILABLE).',
  })
  async createSqlAccess(@Ctx() ctx: Context): Promise<SqlAccessView> {
    return new SqlAccessService(ctx.em).create(await requirePrincipal(ctx));
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Drops a login createSqlAccess made for this organization and ends its sessions; true once done.',
  })
  async revokeSqlAccess(@Ctx() ctx: Context, @Arg('username', () => String) username: string): Promise<boolean> {
    return new SqlAccessService(ctx.em).revoke(await requirePrincipal(ctx), username);
  }
}
