import type { ContactScope } from './kpi.request';
import { Sql, raw, sql } from './sql';

/**
 * The WHERE conditions of a contact filter, for contacts and both rollups (same
 * column names): ` and <column> in (…)` per filtered dimension. An absent list
 * does not filter; an empty list matches nothing.
 */
export function scopeWhere(scope: ContactScope, prefix = ''): Sql {
  const inList = (column: string, values: readonly (string | number)[] | undefined, cast: 'text' | 'int') =>
    values === undefined
      ? raw('')
      : sql` and ${raw(prefix + column)} in (select (jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::${raw(cast)})`;
  return Sql.join(
    [
      inList('channel', scope.channels, 'text'),
      inList('queue_id', scope.queueIds, 'int'),
      inList('team_id', scope.teamIds, 'int'),
      inList('agent_id', scope.agentIds, 'int'),
    ],
    '',
  );
}
