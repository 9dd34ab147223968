import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from './auth';
import type { Context } from './context';
import { Role } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { toApiKeyView } from './directory.mappers';
import { parseId } from './ids';
import { ApiKeyView, CreatedApiKey } from './org.types';

@Resolver()
export class ApiKeysResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key for this organization; the secret is shown once.' })
  async createApiKey(
    @Ctx() ctx: Context,
    @Arg('role', () => Role) role: Role,
    @Arg('name', () => String) name: string,
  ): Promise<CreatedApiKey> {
    const { key, secret } = await new ApiKeysService(ctx.em).create(await requirePrincipal(ctx), role, name);
    return { key: toApiKeyView(key), secret };
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => ApiKeyView, {
    description: 'Revokes an API key; requests with it are refused from now on (by other server instances on the same database within 5 seconds).',
  })
  async revokeApiKey(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<ApiKeyView> {
    const key = await new ApiKeysService(ctx.em).revoke(await requirePrincipal(ctx), parseId('id', id));
    await ctx.events.emit('apiKey.revoked', { organizationId: key.organizationId, apiKeyId: key.id });
    return toApiKeyView(key);
  }
}
