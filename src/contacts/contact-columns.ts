import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ValidContact } from './contact.validation';
import { arrayElement, type ContactColumns } from '../warehouse/contact-facts';
import type { AgentRef, QueueRef } from '../org/directory.writer';
import { creditedTeam } from '../warehouse/team-rule';

/** The columns that name a directory member by id, known only under the write lock (a queue's owner, an agent's team move). */
type DirectoryColumn = 'queue_id' | 'team_id' | 'team_from_queue' | 'agent_id';

/** A batch's columns that need no directory id, as array literals (contact-facts.ts's format). */
export type OwnColumns = Omit<ContactColumns, DirectoryColumn>;

/** Items built between two turns of the event loop: a few milliseconds each. */
const CHUNK = 2_000;

/** A string element, escaped only when it holds a quote or a backslash (rarely: the test is cheaper than a replace). */
const SPECIAL = /["\\]/;
const text = (v: string | null): string => (v === null ? 'NULL' : SPECIAL.test(v) ? arrayElement(v) : `"${v}"`);
/** An ISO instant holds no character an array literal must quote. */
const instant = (d: Date | null): string => (d === null ? 'NULL' : d.toISOString());

/** Each own column's array element for a contact. */
const OWN: { readonly [K in keyof OwnColumns]: (c: ValidContact) => string } = {
  external_id: (c) => text(c.externalId),
  channel: (c) => text(c.channel),
  direction: (c) => text(c.direction),
  customer_ref: (c) => text(c.customerRef),
  offered_at: (c) => instant(c.offeredAt),
  answered_at: (c) => instant(c.answeredAt),
  ended_at: (c) => instant(c.endedAt),
  wait_seconds: (c) => String(c.waitSeconds),
  talk_seconds: (c) => String(c.talkSeconds),
  hold_seconds: (c) => String(c.holdSeconds),
  after_contact_work_seconds: (c) => String(c.afterContactWorkSeconds),
  transfers: (c) => String(c.transfers),
  resolved: (c) => (c.resolved === null ? 'NULL' : c.resolved ? 't' : 'f'),
  disposition: (c) => text(c.disposition),
};
const OWN_ENTRIES = Object.entries(OWN) as Array<[keyof OwnColumns, (c: ValidContact) => string]>;

const literal = (elements: readonly string[]) => `{${elements.join(',')}}`;

/**
 * The batch's own columns in one pass over the contacts, yielding to the event loop
 * between chunks: built before the writer takes the organization's write lock, so
 * a second sender's Node work overlaps the lock holder's SQL.
 */
export async function ownColumns(contacts: readonly ValidContact[]): Promise<OwnColumns> {
  const n = contacts.length;
  const arrays = OWN_ENTRIES.map(() => new Array<string>(n));
  for (let start = 0; start < n; start += CHUNK) {
    if (start > 0) await nextTurn();
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const c = contacts[i]!;
      for (let k = 0; k < OWN_ENTRIES.length; k++) arrays[k]![i] = OWN_ENTRIES[k]![1](c);
    }
  }
  return Object.fromEntries(OWN_ENTRIES.map(([column], k) => [column, literal(arrays[k]!)])) as OwnColumns;
}

/**
 * The directory columns, under the write lock: each contact's queue and agent ids
 * and its credited team (warehouse/team-rule.ts) from the owners and teams read there.
 */
export function directoryColumns(
  contacts: readonly ValidContact[],
  queues: ReadonlyMap<string, QueueRef>,
  teams: ReadonlyMap<string, number>,
  agents: ReadonlyMap<string, AgentRef>,
): Pick<ContactColumns, DirectoryColumn> {
  const n = contacts.length;
  const queueId = new Array<string>(n);
  const teamId = new Array<string>(n);
  const fromQueue = new Array<string>(n);
  const agentId = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const c = contacts[i]!;
    const queue = queues.get(c.queue)!;
    const agent = c.agent ? agents.get(c.agent)! : null;
    const team = creditedTeam(c.team ? teams.get(c.team)! : null, agent ? agent.teamId : null, queue.teamId);
    queueId[i] = String(queue.id);
    teamId[i] = team.teamId === null ? 'NULL' : String(team.teamId);
    fromQueue[i] = team.fromQueue ? 't' : 'f';
    agentId[i] = agent ? String(agent.id) : 'NULL';
  }
  return { queue_id: literal(queueId), team_id: literal(teamId), team_from_queue: literal(fromQueue), agent_id: literal(agentId) };
}
