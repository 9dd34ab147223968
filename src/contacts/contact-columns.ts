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

/**
 * The batch's own columns in one pass over the contacts, yielding to the event loop
 * between chunks: built before the writer takes the organization's write lock, so
 * a second sender's Node work overlaps the lock holder's SQL.
 */
export async function ownColumns(contacts: readonly ValidContact[]): Promise<OwnColumns> {
  const n = contacts.length;
  const col = () => new Array<string>(n);
  const [externalId, channel, direction, customerRef, offeredAt, answeredAt, endedAt] = [col(), col(), col(), col(), col(), col(), col()];
  const [wait, talk, hold, acw, transfers, resolved, disposition] = [col(), col(), col(), col(), col(), col(), col()];
  for (let start = 0; start < n; start += CHUNK) {
    if (start > 0) await nextTurn();
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const c = contacts[i]!;
      externalId[i] = text(c.externalId);
      channel[i] = text(c.channel);
      direction[i] = text(c.direction);
      customerRef[i] = text(c.customerRef);
      offeredAt[i] = instant(c.offeredAt);
      answeredAt[i] = instant(c.answeredAt);
      endedAt[i] = instant(c.endedAt);
      wait[i] = String(c.waitSeconds);
      talk[i] = String(c.talkSeconds);
      hold[i] = String(c.holdSeconds);
      acw[i] = String(c.afterContactWorkSeconds);
      transfers[i] = String(c.transfers);
      resolved[i] = c.resolved === null ? 'NULL' : c.resolved ? 't' : 'f';
      disposition[i] = text(c.disposition);
    }
  }
  const literal = (elements: string[]) => `{${elements.join(',')}}`;
  return {
    external_id: literal(externalId),
    channel: literal(channel),
    direction: literal(direction),
    customer_ref: literal(customerRef),
    offered_at: literal(offeredAt),
    answered_at: literal(answeredAt),
    ended_at: literal(endedAt),
    wait_seconds: literal(wait),
    talk_seconds: literal(talk),
    hold_seconds: literal(hold),
    after_contact_work_seconds: literal(acw),
    transfers: literal(transfers),
    resolved: literal(resolved),
    disposition: literal(disposition),
  };
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
  const literal = (elements: string[]) => `{${elements.join(',')}}`;
  return { queue_id: literal(queueId), team_id: literal(teamId), team_from_queue: literal(fromQueue), agent_id: literal(agentId) };
}
