import type { EventBus } from '../platform/events';

/** Facts of one organization changed over a span of time (both versions of a correction). */
export interface FactsChanged {
  organizationId: number;
  from: Date;
  to: Date;
}

/** A contact a batch created (not one it corrected). */
export interface NewContact {
  id: string;
  externalId: string;
  channel: string;
  answered: boolean;
}

/**
 * What the writers tell after commit (platform/events.ts). Declared with the
 * organization, the lowest domain layer, so that any module may emit or listen.
 */
export interface DomainEvents {
  /** A contact batch committed (recordContacts, an import): its span, and the contacts it created. */
  'contacts.recorded': FactsChanged & { created: NewContact[] };
}

export type DomainEventBus = EventBus<DomainEvents>;
