import type { EntityManager } from '@mikro-orm/postgresql';
import { validBatch, type WriteTotals } from '../platform/batches';
import { MAX_CONTACTS_PER_BATCH, validateContacts, type ContactFields, type ValidContact } from './contact.validation';
import { DirectoryWriter } from '../org/directory.writer';
import { refreshFirstContactResolution, upsertContactColumns } from '../warehouse/contact-facts';
import { directoryColumns, ownColumns } from './contact-columns';
import type { FactChange } from '../warehouse/deltas';
import { writeFacts } from '../warehouse/fact-writes';
import { CONTACT_FACT } from '../warehouse/facts';
import { refreshStatistics, statisticsReady } from '../warehouse/statistics';
import type { DomainEventBus, NewContact } from '../org/events';

/** What a contact batch did, and what it changed (for whoever is told after commit). */
export type ContactWrite = WriteTotals & { changes: FactChange | null };

/**
 * Writes contact batches: validated whole, then upserted in one transaction by
 * (organization, externalId), so a batch is all-or-nothing and re-sending it
 * counts nothing twice. A re-sent contact with changes replaces the stored one.
 */
export class ContactsService {
  /** `events`: told 'contacts.recorded' after each committed batch (none for a bulk import of history). */
  constructor(
    private readonly em: EntityManager,
    private readonly events?: DomainEventBus,
  ) {}

  async record(organizationId: number, inputs: readonly ContactFields[]): Promise<ContactWrite> {
    const contacts = await validBatch(inputs, { field: 'contacts', noun: 'contacts', max: MAX_CONTACTS_PER_BATCH }, (all) => {
      const { contacts: valid, problems } = validateContacts(all);
      return { valid, problems };
    });
    return this.write(organizationId, contacts);
  }

  /**
   * Upserts already-validated contacts (the CSV import validates on its own). The
   * organization's write lock is held for what must be serialized only: the batch's
   * own columns and the ids of directory keys already known are ready before it is
   * taken (a second sender's Node work then overlaps this one's SQL); under it, the
   * missing keys are created, queue owners and agent teams read, and the facts written.
   */
  async write(organizationId: number, contacts: readonly ValidContact[]): Promise<ContactWrite> {
    if (contacts.length === 0) return { received: 0, created: 0, updated: 0, unchanged: 0, changes: null };
    const own = await ownColumns(contacts);
    const teamKeys = contacts.flatMap((c) => (c.team ? [c.team] : []));
    const known = await new DirectoryWriter(this.em, organizationId).lookup({
      queues: contacts.map((c) => c.queue),
      teams: teamKeys,
      agents: contacts.flatMap((c) => (c.agent ? [c.agent] : [])),
    });
    await statisticsReady(this.em, CONTACT_FACT.table);
    const { result: written, change } = await writeFacts(this.em, organizationId, CONTACT_FACT, async (em) => {
      const directory = new DirectoryWriter(em, organizationId);
      const queues = await directory.ensureQueuesWithOwners(contacts.map((c) => c.queue), known.queue);
      const teams = await directory.ensureTeams(teamKeys, known.team);
      const agents = await directory.ensureAgents(contacts, teams, known.agent);
      const columns = { ...own, ...directoryColumns(contacts, queues, teams, agents) };
      const written = await upsertContactColumns(em, organizationId, columns);
      if (written.length > 0) await refreshFirstContactResolution(em, organizationId);
      return written;
    });
    const created = written.filter((r) => r.inserted).length;
    const totals = { received: contacts.length, created, updated: written.length - created, unchanged: contacts.length - written.length, changes: change };
    if (!change) return totals;
    await refreshStatistics(this.em, CONTACT_FACT.table);
    const fresh: NewContact[] = written
      .filter((r) => r.inserted)
      .map((r) => ({ id: String(r.id), externalId: r.external_id, channel: r.channel, answered: r.answered }));
    await this.events?.emit('contacts.recorded', { ...change, created: fresh });
    return totals;
  }
}

