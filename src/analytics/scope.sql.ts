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

/** The columns a contact filter constrains (an empty list constrains its column too). */
export function scopeColumns(scope: ContactScope): Array<'channel' | 'queue_id' | 'team_id' | 'agent_id'> {
  return [
    scope.channels !== undefined && ('channel' as const),
    scope.queueIds !== undefined && ('queue_id' as const),
    scope.teamIds !== undefined && ('team_id' as const),
    scope.agentIds !== undefined && ('agent_id' as const),
  ].filter((c) => c !== false);
}
