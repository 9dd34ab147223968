import type { FactNotice } from '../warehouse/fact-notices';

/** What a live report reads: an organization's facts over a span, within a filter's members. */
export interface LiveScope {
  organizationId: number;
  from: Date;
  to: Date;
  /** Per dimension, the members the report is limited to (absent or empty: any). */
  filter: { channels?: readonly string[]; queueIds?: readonly number[]; teamIds?: readonly number[]; agentIds?: readonly number[] };
}

/**
 * Slack on either side of a change's span: a fact is noticed by the quarter hours
 * it starts in, while an activity record may run past its quarter hour. A change
 * this close to the report's range is read again; if the report did not change,
 * nothing is sent.
 */
export const SPAN_SLACK_MS = 3_600_000;

/**
 * Whether a notice may change a report of this scope: the same organization, a
 * span that overlaps the range, and, per dimension the report filters on, a
 * changed value inside the filter (a notice that does not know its values, or
 * a fact without that dimension, may touch any; facts without a member, such as
 * an unanswered contact's agent, touch no member's report).
 */
export function touches(scope: LiveScope, notice: FactNotice): boolean {
  if (notice.organizationId !== scope.organizationId) return false;
  if (notice.from.getTime() - SPAN_SLACK_MS >= scope.to.getTime() || notice.to.getTime() + SPAN_SLACK_MS <= scope.from.getTime()) return false;
  const members = notice.members;
  if (!members) return true;
  const within = (column: string, wanted: readonly unknown[] | undefined) => {
    const changed = members[column];
    if (!wanted?.length || !changed) return true;
    return changed.some((m) => wanted.includes(m));
  };
  return (
    within('channel', scope.filter.channels) &&
    within('queue_id', scope.filter.queueIds) &&
    within('team_id', scope.filter.teamIds) &&
    within('agent_id', scope.filter.agentIds)
  );
}
