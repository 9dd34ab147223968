import { writeTransaction } from '../platform/write-transaction';
import type { EntityManager } from '@mikro-orm/postgresql';
import { validBatch, type WriteTotals } from '../platform/batches';
import { MAX_CONTACTS_PER_BATCH, validateContacts, type ContactFields, type ValidContact } from './contact.validation';
import { DirectoryWriter } from '../org/directory.writer';
import { autoInvite } from '../surveys/auto-invite';
import { applyPendingTallies } from '../surveys/survey-tallies';
import type { Channel } from './contact.entity';
import {
  lockOrganizationWrites,
  refreshFirstContactResolution,
  refreshRollups,
  type ChangedContact,
} from './contact-facts.maintenance';

/**
 * Writes contact batches: validated whole, then upserted in one transaction by
 * (organization, externalId), so a batch is all-or-nothing and re-sending it
 * counts nothing twice. A re-sent contact with changes replaces the stored one.
 */
export class ContactsService {
  constructor(private readonly em: EntityManager) {}

  async record(organizationId: number, inputs: readonly ContactFields[]): Promise<WriteTotals> {
    const contacts = await validBatch(inputs, { field: 'contacts', noun: 'contacts', max: MAX_CONTACTS_PER_BATCH }, (all) => {
      const { contacts: valid, problems } = validateContacts(all);
      return { valid, problems };
    });
    return this.write(organizationId, contacts);
  }

  /** Upserts already-validated contacts (the CSV import validates on its own). */
  async write(organizationId: number, contacts: readonly ValidContact[]): Promise<WriteTotals> {
    if (contacts.length === 0) return { received: 0, created: 0, updated: 0, unchanged: 0 };
    return writeTransaction(this.em, async (em) => {
      await lockOrganizationWrites(em, organizationId);
      const directory = new DirectoryWriter(em, organizationId);
      const queues = await directory.ensureQueues(contacts.map((c) => c.queue));
      const teams = await directory.ensureTeams(contacts.flatMap((c) => (c.team ? [c.team] : [])));
      const agents = await directory.ensureAgents(contacts, teams);

      const rows = contacts.map((c) => ({
        external_id: c.externalId,
        channel: c.channel,
        direction: c.direction,
        queue_id: queues.get(c.queue)!,
        // A contact's team: its own team key, else its agent's team, else none.
        team_id: c.team ? teams.get(c.team)! : c.agent ? (agents.get(c.agent)!.teamId ?? null) : null,
        agent_id: c.agent ? agents.get(c.agent)!.id : null,
        customer_ref: c.customerRef,
        offered_at: c.offeredAt.toISOString(),
        answered_at: c.answeredAt?.toISOString() ?? null,
        ended_at: c.endedAt.toISOString(),
        wait_seconds: c.waitSeconds,
        talk_seconds: c.talkSeconds,
        hold_seconds: c.holdSeconds,
        after_contact_work_seconds: c.afterContactWorkSeconds,
        transfers: c.transfers,
        resolved: c.resolved,
        disposition: c.disposition,
      }));
      // Where the changed contacts were before (a correction may move or re-attribute them).
      const before: Array<{ external_id: string; offered_at: string | Date; customer_ref: string | null }> = await em.execute(
        `select external_id, offered_at, customer_ref from contact
         where organization_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb))`,
        [organizationId, JSON.stringify(rows.map((r) => r.external_id))],
      );
      const written: Array<{
        inserted: boolean; id: string; external_id: string; channel: Channel; answered: boolean; offered_at: string | Date; customer_ref: string | null;
      }> =
        await em.execute(
        UPSERT_CONTACTS,
        [organizationId, JSON.stringify(rows)],
      );
      if (written.length > 0) {
        const writtenIds = new Set(written.map((r) => r.external_id));
        const previous = before.filter((r) => writtenIds.has(r.external_id));
        const changed: ChangedContact[] = [...previous, ...written].map((r) => ({
          offeredAt: new Date(r.offered_at).toISOString(),
          customerRef: r.customer_ref,
        }));
        const flipped = await refreshFirstContactResolution(em, organizationId, changed);
        await autoInvite(em, organizationId, written.filter((r) => r.inserted));
        await refreshRollups(em, organizationId, [...changed.map((c) => c.offeredAt), ...flipped]);
      }
      await applyPendingTallies(em, organizationId); // survey answers that arrived while this batch held the lock
      const created = written.filter((r) => r.inserted).length;
      const updated = written.length - created;
      return { received: contacts.length, created, updated, unchanged: contacts.length - written.length };
    });
  }
}

const COLUMNS = [
  'channel', 'direction', 'queue_id', 'team_id', 'agent_id', 'customer_ref', 'offered_at', 'answered_at',
  'ended_at', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers',
  'resolved', 'disposition',
];

// Rows are inserted in external_id order so concurrent batches lock in the same order.
// An unchanged re-send matches the WHERE of DO UPDATE nowhere and returns no row.
// first_contact_resolved is cleared on every write and recomputed right after.
const UPSERT_CONTACTS = `
  insert into contact (organization_id, external_id, ${COLUMNS.join(', ')})
  select ?, x.external_id, ${COLUMNS.map((c) => `x.${c}`).join(', ')}
  from jsonb_to_recordset(?::jsonb) as x(
    external_id text, channel text, direction text, queue_id int, team_id int, agent_id int, customer_ref text,
    offered_at timestamptz, answered_at timestamptz, ended_at timestamptz, wait_seconds int, talk_seconds int,
    hold_seconds int, after_contact_work_seconds int, transfers int, resolved boolean, disposition text)
  order by x.external_id
  on conflict (organization_id, external_id) do update set
    ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now(), first_contact_resolved = null
  where (${COLUMNS.map((c) => `contact.${c}`).join(', ')}) is distinct from (${COLUMNS.map((c) => `excluded.${c}`).join(', ')})
  returning (xmax = 0) as inserted, id, external_id, channel, answered_at is not null as answered, offered_at, customer_ref`;
