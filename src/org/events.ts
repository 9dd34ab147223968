import type { EventBus } from '../platform/events';

/**
 * The values of each dimension a change touched (both versions of a correction),
 * by the dimension's column in the warehouse's catalog (channel, queue_id,
 * team_id, agent_id): a wallboard showing one queue can skip the others' changes.
 */
export type DimensionsTouched = Readonly<Record<string, ReadonlyArray<string | number>>>;

/** Facts of one organization changed over a span of time (both versions of a correction). */
export interface FactsChanged {
  organizationId: number;
  /** Start of the first and end of the last quarter hour holding a changed fact. */
  from: Date;
  to: Date;
  dimensions: DimensionsTouched;
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
  /** A contact batch committed (recordContacts): its span and dimensions, and the contacts it created. */
  'contacts.recorded': FactsChanged & { created: NewContact[] };
  /** An agent activity batch committed (recordAgentActivity): its span and dimensions. */
  'activity.recorded': FactsChanged;
  /**
   * A survey response was stored for a contact: the contact's quarter hour and
   * dimensions. `inKpis`: its tallies reached the rollups in the same transaction;
   * false when a contact batch held the write lock (its holder or the next sweep,
   * within about a second, applies them).
   */
  'survey.answered': FactsChanged & { responseId: string; contactId: string; inKpis: boolean };
  /**
   * A QA evaluation batch committed (recordQaEvaluations) and changed the evaluated
   * contacts' tallies: their quarter hours and dimensions (a re-sent evaluation that
   * moved to another contact: both contacts'), in the KPIs with the same transaction.
   */
  'qa.recorded': FactsChanged & { created: number; updated: number };
  /**
   * A queue changed owner (setQueueTeam): `moved` of its contacts without a team of
   * their own went from `previousTeamId` to `teamId` (null: none), in the span and
   * dimensions of FactsChanged (both teams). Their rollups moved in the same
   * transaction (and the live subscriptions were noticed); nothing when none moved.
   */
  'queue.teamChanged': FactsChanged & { queueId: number; previousTeamId: number | null; teamId: number | null; moved: number };
  /** The organization's reporting zone changed, its local-day rollups rebuilt for it. */
  'organization.zoneChanged': { organizationId: number; previous: string; timeZone: string };
  /** An API key was revoked (revokeApiKey): this server stops trusting it at once. */
  'apiKey.revoked': { organizationId: number; apiKeyId: number };
}

export type DomainEventBus = EventBus<DomainEvents>;
