import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { toQueueView } from '../org/directory.mappers';
import { parseId } from '../org/ids';
import { QueueView } from '../org/org.types';
import { QueueTeamService } from './queue-team.service';

@Resolver()
export class QueueTeamResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => QueueView, {
    description:
      'Names the team that owns a queue (null: none). Contacts of the queue without a team key or an agent\'s team ' +
      '(unanswered ones, mostly) are credited to its owner: those already stored move to the new owner at once, in every ' +
      'report, scorecard and drill-through; later ones take it when recorded. An unknown queue or team is BAD_USER_INPUT ' +
      'naming queueId or teamId, and nothing changes.',
  })
  async setQueueTeam(
    @Ctx() ctx: Context,
    @Arg('queueId', () => ID) queueId: string,
    @Arg('teamId', () => ID, { nullable: true }) teamId?: string | null,
  ): Promise<QueueView> {
    const principal = await requirePrincipal(ctx);
    const queue = parseId('queueId', queueId);
    const team = teamId == null ? null : parseId('teamId', teamId);
    const { queue: updated } = await new QueueTeamService(ctx.em, ctx.events).set(principal.organizationId, queue, team);
    ctx.loaders.queue.clear(queue);
    return toQueueView(updated);
  }
}
