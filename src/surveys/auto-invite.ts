import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { Channel } from '../warehouse/channels';
import { insertInvitations } from './surveys.service';

export interface AutoInviteSettings {
  channels: Channel[];
  /** Share of eligible new contacts invited, 0..1; 0 = off. */
  samplingRate: number;
}

/** A newly created contact, as the contact upsert returns it. */
export interface CreatedContact {
  id: string;
  external_id: string;
  channel: Channel;
  answered: boolean;
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
 * Invites the customers of newly created, answered contacts on the configured
 * channels, sampled, under the organization's write lock. Their tallies'
 * deltas are staged: the caller applies them (applyDeltas) before commit.
 */
export async function autoInvite(em: EntityManager, organizationId: number, created: readonly CreatedContact[]): Promise<void> {
  if (created.length === 0) return;
  const { channels, samplingRate } = await readAutoInvite(em, organizationId);
  if (samplingRate <= 0 || channels.length === 0) return;
  const picked = created.filter((c) => c.answered && channels.includes(c.channel) && sampled(c.external_id, samplingRate));
  if (picked.length) await insertInvitations(em, organizationId, picked.map((c) => String(c.id)));
}
