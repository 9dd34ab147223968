import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { ContactInput, RecordContactsResult } from './contact.inputs';
import { ContactsService } from './contacts.service';

@Resolver()
export class ContactsResolver {
  @Authorized(Permission.INGEST)
  @Mutation(() => RecordContactsResult, {
    description:
      'Records up to 10,000 contacts. The batch is validated whole: on any invalid contact it fails with BAD_USER_INPUT, ' +
      'lists every bad index and rule in extensions.problems, and writes nothing. Idempotent by externalId.',
  })
  async recordContacts(
    @Ctx() ctx: Context,
    @Arg('contacts', () => [ContactInput]) contacts: ContactInput[],
  ): Promise<RecordContactsResult> {
    const principal = await requirePrincipal(ctx);
    return new ContactsService(ctx.em, ctx.events).record(principal.organizationId, contacts);
  }
}
