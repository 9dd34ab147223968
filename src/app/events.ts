import type { MikroORM } from '@mikro-orm/postgresql';
import type { DomainEventBus, DomainEvents } from '../org/events';
import { EventBus } from '../platform/events';
import type { Logger } from '../platform/logger';
import type { VerifiedKeys } from '../org/verified-keys';
import { inviteNewContacts } from '../surveys/auto-invite';
import { raiseSlaAlerts } from '../sla/alert-upkeep';
import { onUpkeep } from '../warehouse/upkeep-hooks';

/**
 * The app's event bus with every module's handlers: who acts on whose writes, in one
 * place. Survey auto-invite runs detached from the batch's request: the batch has
 * committed, so a client that disconnects (or times out) must not cancel its
 * invitations, and the writer does not wait for them (a failure is logged).
 */
export function createEvents(orm: MikroORM, logger: Logger, verifiedKeys: VerifiedKeys): DomainEventBus {
  const events = new EventBus<DomainEvents>(logger);
  events.on('apiKey.revoked', ({ apiKeyId }) => verifiedKeys.forget(apiKeyId));
  events.on('contacts.recorded', (recorded) => inviteNewContacts(orm.em.fork(), recorded), { detached: true });
  // Inside each write's transaction, after its rollups: SLA status changes into the webhook outbox.
  onUpkeep('sla-alerts', (em, change) => raiseSlaAlerts(em, change), (error) =>
    logger.error({ err: error }, 'SLA alerts could not be evaluated; the write went on without them'),
  );
  return events;
}
