import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Permission, requirePrincipal } from './auth';
import type { Context } from './context';
import { DirectoryService } from './directory.service';
import { toAgentView, toQueueView, toTeamView } from './directory.mappers';
import { parseId } from './ids';
import { AgentView, QueueView, TeamView } from './org.types';

@Resolver()
export class DirectoryResolver {
  @Authorized(Permission.READ)
  @Query(() => [TeamView], { description: 'The teams of the organization, by key.' })
  async teams(@Ctx() ctx: Context): Promise<TeamView[]> {
    return (await new DirectoryService(ctx.em).teams(await requirePrincipal(ctx))).map(toTeamView);
  }

  @Authorized(Permission.READ)
  @Query(() => [QueueView], { description: 'The queues of the organization, by key.' })
  async queues(@Ctx() ctx: Context): Promise<QueueView[]> {
    return (await new DirectoryService(ctx.em).queues(await requirePrincipal(ctx))).map(toQueueView);
  }

  @Authorized(Permission.READ)
  @Query(() => [AgentView], { description: 'The agents of the organization, by key; only one team with `teamId`.' })
  async agents(
    @Ctx() ctx: Context,
    @Arg('teamId', () => ID, { nullable: true }) teamId?: string | null,
  ): Promise<AgentView[]> {
    const team = teamId == null ? undefined : parseId('teamId', teamId);
    return (await new DirectoryService(ctx.em).agents(await requirePrincipal(ctx), team)).map(toAgentView);
  }
}

@Resolver(() => AgentView)
export class AgentResolver {
  @FieldResolver(() => TeamView, { nullable: true, description: "The agent's current team." })
  async team(@Root() agent: AgentView, @Ctx() ctx: Context): Promise<TeamView | null> {
    if (agent.teamId === null) return null;
    const team = await ctx.loaders.team.load(agent.teamId);
    return team && toTeamView(team);
  }
}

@Resolver(() => QueueView)
export class QueueResolver {
  @FieldResolver(() => TeamView, {
    nullable: true,
    description: "The team that owns the queue (setQueueTeam): the queue's contacts without a team key or an agent's team are credited to it.",
  })
  async team(@Root() queue: QueueView, @Ctx() ctx: Context): Promise<TeamView | null> {
    if (queue.teamId === null) return null;
    const team = await ctx.loaders.team.load(queue.teamId);
    return team && toTeamView(team);
  }
}
