import type { EntityManager } from '@mikro-orm/postgresql';
import type { DimensionsTouched } from '../org/events';

/**
 * A PostgreSQL notice that an organization's facts changed, sent by the upkeep
 * inside the writer's transaction (NOTIFY is delivered when the transaction
 * commits, and never when it rolls back): every server instance LISTENing on the
 * database hears every committed change of every writer (contacts, activity,
 * survey answers), with no broker of its own.
 */
export const FACTS_CHANNEL = 'callpulse_facts';

export interface FactNotice {
  organizationId: number;
  /** The changed facts lie in [from, to). */
  from: Date;
  to: Date;
  /**
   * The values of each dimension the changed facts carry, by column (channel,
   * queue_id, team_id, agent_id; a fact without the column has no entry); null:
   * too many to tell in one notice, the change may touch any.
   */
  members: DimensionsTouched | null;
}

/** PostgreSQL refuses payloads of 8,000 bytes or more; past this, the members are left out. */
export const MAX_NOTICE_BYTES = 7_900;

export function encodeFactNotice(notice: FactNotice): string {
  const base = { o: notice.organizationId, f: notice.from.getTime(), t: notice.to.getTime() };
  const full = JSON.stringify({ ...base, m: notice.members });
  return Buffer.byteLength(full) <= MAX_NOTICE_BYTES ? full : JSON.stringify({ ...base, m: null });
}

/** The notice in a payload, or null when the payload is not one (another version's, or garbage). */
export function decodeFactNotice(payload: string): FactNotice | null {
  try {
    const raw = JSON.parse(payload) as { o?: unknown; f?: unknown; t?: unknown; m?: unknown };
    if (!Number.isInteger(raw.o) || typeof raw.f !== 'number' || typeof raw.t !== 'number') return null;
    const members = raw.m && typeof raw.m === 'object' ? (raw.m as DimensionsTouched) : null;
    return { organizationId: raw.o as number, from: new Date(raw.f), to: new Date(raw.t), members };
  } catch {
    return null;
  }
}

/** Inside the writer's transaction: tells every listener, once it commits, that these facts changed. */
export async function noticeFactsChanged(em: EntityManager, notice: FactNotice): Promise<void> {
  await em.execute('select pg_notify(?, ?)', [FACTS_CHANNEL, encodeFactNotice(notice)]);
}
