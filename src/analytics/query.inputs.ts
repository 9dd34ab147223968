import { DateTime } from 'luxon';
import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../platform/local-date.scalar';
import { isValidTimeZone } from '../platform/calendar';
import { Channel } from '../warehouse/channels';
import { parseIds } from '../org/ids';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findMembers } from '../org/directory.lookup';
import { DIMENSIONS } from '../warehouse/dimensions';
import { badUserInput, describeProblems, type FieldProblem } from '../platform/errors';
import type { ContactScope } from './kpi.request';

/**
 * Inputs shared by every read over contacts: the KPI engine, the contact
 * drill-through, survey responses and SLA scopes. The GraphQL names
 * (`TimeRange`, `ContactFilter`) are part of the public contract (API.md).
 */

@InputType('TimeRange', {
  description:
    'A half-open time window [from, to): contacts are selected by offeredAt, `from` included, `to` excluded. ' +
    '`to` must be after `from`.',
})
export class TimeRange {
  @Field(() => Date, { description: 'Start, included.' }) from!: Date;
  @Field(() => Date, { description: 'End, excluded.' }) to!: Date;
}

@InputType('DateRange', {
  description:
    'Local calendar dates in the query\'s time zone, both included: from the start of `from` to the end of `to` ' +
    '(a DST day is 23 or 25 hours). The alternative to a TimeRange.',
})
export class DateRange {
  @Field(() => LocalDateScalar, { description: 'First day, included.' }) from!: string;
  @Field(() => LocalDateScalar, { description: 'Last day, included.' }) to!: string;
}

@InputType('ContactFilter', {
  description:
    'Restricts contacts by dimension; the dimensions combine with AND, the values of one dimension with OR. ' +
    'An absent (null) list does not filter; an empty list matches no contact.',
})
export class ContactFilter {
  @Field(() => [Channel], { nullable: true, description: 'Only these channels.' })
  channels?: Channel[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only contacts routed to these queues (ids from `queues`).' })
  queueIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only contacts credited to these teams (ids from `teams`).' })
  teamIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only contacts handled by these agents (ids from `agents`).' })
  agentIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only contacts routed to these queues, by key (as ingestion names them); OR with queueIds.' })
  queueKeys?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only contacts credited to these teams, by key; OR with teamIds.' })
  teamKeys?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only contacts handled by these agents, by key; OR with agentIds.' })
  agentKeys?: string[] | null;
}

/** The id and key lists of each dimension with a directory (the warehouse's catalog): `queueIds` and `queueKeys`, … */
const MEMBER_LISTS = DIMENSIONS.flatMap((d) => (d.directory ? [{ table: d.directory, ids: d.filter, keys: `${d.directory}Keys` as const }] : []));

/**
 * A filter as the organization's ids, checked against its directory: keys become ids
 * (a dimension's ids and keys combine with OR), and every id or key that names nothing
 * is BAD_USER_INPUT naming it (`filter.queueKeys[1]`), so that a typo is never a
 * silent zero. One statement, only when the filter names ids or keys.
 */
export async function resolveContactFilter(
  em: EntityManager,
  organizationId: number,
  filter: ContactFilter | null | undefined,
  field = 'filter',
): Promise<ContactScope> {
  const scope = parseContactFilter(filter, field);
  if (!filter || MEMBER_LISTS.every((m) => !filter[m.ids] && !filter[m.keys])) return scope;
  const names = MEMBER_LISTS.map((m) => ({ table: m.table, ids: scope[m.ids] ?? [], keys: filter[m.keys] ?? [] }));
  const found = await findMembers(em, organizationId, names);
  const problems: FieldProblem[] = [];
  for (const [n, m] of MEMBER_LISTS.entries()) {
    const { ids, idOfKey } = found[n]!;
    names[n]!.ids.forEach((id, i) => {
      if (!ids.has(id)) problems.push({ field: `${field}.${m.ids}[${i}]`, rule: 'UNKNOWN_ID', message: `no ${m.table} has id "${id}"` });
    });
    names[n]!.keys.forEach((key, i) => {
      if (!idOfKey.has(key)) problems.push({ field: `${field}.${m.keys}[${i}]`, rule: 'UNKNOWN_KEY', message: `no ${m.table} has key "${key}"` });
    });
    if (filter[m.keys]) scope[m.ids] = [...new Set([...(scope[m.ids] ?? []), ...filter[m.keys]!.map((key) => idOfKey.get(key)!)])];
  }
  if (problems.length) throw badUserInput(describeProblems('unknown ids or keys', problems), problems);
  return scope;
}

/** Parses the ids of a filter; a malformed id is BAD_USER_INPUT naming e.g. `filter.queueIds[2]`. */
export function parseContactFilter(filter: ContactFilter | null | undefined, field = 'filter'): ContactScope {
  if (!filter) return {};
  return {
    channels: filter.channels ? [...new Set(filter.channels)] : undefined,
    queueIds: parseIds(`${field}.queueIds`, filter.queueIds),
    teamIds: parseIds(`${field}.teamIds`, filter.teamIds),
    agentIds: parseIds(`${field}.agentIds`, filter.agentIds),
  };
}

const DAY_MS = 86_400_000;

/**
 * Checks a range: `to` after `from` and at most `maxDays` long. Errors are
 * BAD_USER_INPUT naming `field` (the argument, e.g. `range` or `query.range`).
 */
export function checkTimeRange(range: TimeRange, options: { field?: string; maxDays?: number } = {}): { from: Date; to: Date } {
  const field = options.field ?? 'range';
  const maxDays = options.maxDays ?? 400;
  const from = range.from.getTime();
  const to = range.to.getTime();
  if (!(to > from)) {
    throw badUserInput(`${field}: to (${range.to.toISOString()}) must be after from (${range.from.toISOString()})`, [
      { field, rule: 'EMPTY_RANGE', message: '`to` must be after `from`' },
    ]);
  }
  if (to - from > maxDays * DAY_MS) {
    throw badUserInput(`${field}: at most ${maxDays} days long, got ${Math.ceil((to - from) / DAY_MS)} days`, [
      { field, rule: 'RANGE_TOO_LONG', message: `at most ${maxDays} days` },
    ]);
  }
  return { from: range.from, to: range.to };
}

/**
 * The window of a read that takes either `range` (instants) or `dates` (local days of
 * `timeZone`, both included), as [from, to). Exactly one must be given; errors are
 * BAD_USER_INPUT naming `<prefix>range`, `<prefix>dates` or `<prefix>timeZone`.
 */
export function rangeOrDates(
  args: { range?: TimeRange | null; dates?: DateRange | null; timeZone?: string | null },
  prefix = '',
): TimeRange {
  const problem = (field: string, rule: string, message: string) =>
    badUserInput(`${prefix}${field}: ${message}`, [{ field: `${prefix}${field}`, rule, message }]);
  if (args.range && args.dates) throw problem('range', 'RANGE_AND_DATES', 'give either range or dates, not both');
  if (args.range) return args.range;
  if (!args.dates) throw problem('range', 'NO_RANGE', 'give either range (instants) or dates (local days)');
  const zone = args.timeZone ?? 'UTC';
  if (!isValidTimeZone(zone)) throw problem('timeZone', 'UNKNOWN_TIME_ZONE', `"${zone}" is not an IANA time zone name`);
  const { from, to } = args.dates;
  if (to < from) throw problem('dates', 'EMPTY_RANGE', `to (${to}) must not be before from (${from})`);
  return {
    from: DateTime.fromISO(from, { zone }).startOf('day').toJSDate(),
    to: DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toJSDate(),
  };
}
