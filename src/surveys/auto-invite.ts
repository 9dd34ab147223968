import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { Channel } from '../warehouse/channels';
import type { DomainEvents } from '../org/events';
import { writeFacts } from '../warehouse/fact-writes';
import { CONTACT_FACT } from '../warehouse/facts';
import { insertInvitations } from './surveys.service';

export interface AutoInviteSettings {
  channels: Channel[];
  /** Share of eligible new contacts invited, 0..1; 0 = off. */
  samplingRate: number;
}


export async function readAutoInvite(em: EntityManager, organizationId: number): Promise<AutoInviteSettings> {
  const [row] = await em.execute(
    'select survey_auto_invite_channels as channels, survey_auto_invite_rate as rate from organization where id = ?',
    [organizationId],
  );
  return { channels: row?.channels ?? [], samplingRate: row?.rate ?? 0 };
}

/**
 * Sampling by a hash of the external id, not by chance: the decision for a contact
 * is the same on every server and every retry, and a rate of 0.3 invites 30 %.
 */
export function sampled(externalId: string, rate: number): boolean {
  return createHash('sha256').update(externalId, 'utf8').digest().readUInt32BE(0) / 2 ** 32 < rate;
}

/**
 * The handler of 'contacts.recorded': invites the customers of the batch's new,
 * answered contacts on the configured channels, sampled, in a transaction of its
 * own after the batch committed (under the organization's write lock, so the
 * invitations' tallies reach the rollups exactly, as any write's do).
 */
export async function inviteNewContacts(em: EntityManager, recorded: DomainEvents['contacts.recorded']): Promise<void> {
  if (recorded.created.length === 0) return;
  const { channels, samplingRate } = await readAutoInvite(em, recorded.organizationId);
  if (samplingRate <= 0 || channels.length === 0) return;
  const picked = recorded.created.filter(
    (c) => c.answered && (channels as string[]).includes(c.channel) && sampled(c.externalId, samplingRate),
  );
  if (picked.length === 0) return;
  await writeFacts(em, recorded.organizationId, CONTACT_FACT, (tx) => insertInvitations(tx, recorded.organizationId, picked.map((c) => c.id)));
}
