import type { EntityManager } from '@mikro-orm/postgresql';
import { checkTimeRange, resolveContactFilter, type ContactFilter, type TimeRange } from '../analytics/query.inputs';
import { scopeWhere } from '../analytics/scope.sql';
import type { ContactScope } from '../analytics/kpi.request';
import { raw, sql, type Sql } from '../analytics/sql';
import { badUserInput } from '../platform/errors';
import type { Channel, Direction } from '../warehouse/channels';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const MAX_RANGE_DAYS = 400;

/** The arguments of `Query.contacts`, as GraphQL hands them over. */
export interface ContactsArgs {
  range: TimeRange;
  filter?: ContactFilter | null;
  answered?: boolean | null;
  minWaitSeconds?: number | null;
  first?: number | null;
  after?: string | null;
}

/** A contact row as selected (snake_case, as PostgreSQL returns it). */
export interface ContactRow {
  id: string;
  external_id: string;
  channel: Channel;
  direction: Direction;
  queue_id: number;
  team_id: number | null;
  agent_id: number | null;
  customer_ref: string | null;
  offered_at: Date | string;
  answered_at: Date | string | null;
  ended_at: Date | string;
  wait_seconds: number;
  talk_seconds: number;
  hold_seconds: number;
  after_contact_work_seconds: number;
  transfers: number;
  resolved: boolean | null;
  disposition: string | null;
  first_contact_resolved: boolean | null;
}

export interface ContactPage {
  rows: Array<{ row: ContactRow; cursor: string }>;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Every contact of the selection, all pages: one count, run only when asked. */
  countAll: () => Promise<number>;
}

/** A position in the newest-first order: just after the contact (offeredAt, id). */
export interface ContactCursor {
  offeredAt: Date;
  id: string;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Opaque to clients: base64url of "<offeredAt ISO>|<id>". */
export function encodeCursor(offeredAt: Date | string, id: string): string {
  return Buffer.from(`${new Date(offeredAt).toISOString()}|${id}`, 'utf8').toString('base64url');
}

/** The position a cursor names; null when it is not one this API issued. */
export function decodeCursor(cursor: string): ContactCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return null;
  const offeredAt = new Date(match[1]);
  if (Number.isNaN(offeredAt.getTime()) || offeredAt.toISOString() !== match[1]) return null;
  if (BigInt(match[2]) > MAX_BIGINT) return null;
  return { offeredAt, id: match[2] };
}

/** The `first` argument of a connection: 1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first: must be between 1 and ${MAX_PAGE_SIZE}, got ${size}`, [
      { field: 'first', rule: 'OUT_OF_RANGE', message: `must be between 1 and ${MAX_PAGE_SIZE}` },
    ]);
  }
  return size;
}

/** The `after` argument of a connection: null, or a cursor this API issued. */
export function afterCursor(after: string | null | undefined): ContactCursor | null {
  if (after == null) return null;
  const cursor = decodeCursor(after);
  if (!cursor) {
    throw badUserInput('after: not a cursor returned by this query', [
      { field: 'after', rule: 'CURSOR_FORMAT', message: 'must be a cursor returned by this query' },
    ]);
  }
  return cursor;
}

/** Every column of a contact row, as ContactRow holds it. */
export const CONTACT_COLUMNS = [
  'id', 'external_id', 'channel', 'direction', 'queue_id', 'team_id', 'agent_id', 'customer_ref', 'offered_at',
  'answered_at', 'ended_at', 'wait_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds',
  'transfers', 'resolved', 'disposition', 'first_contact_resolved',
];

/** The contacts a drill-through or an export selects (every argument but the page's). */
export type ContactSelectionArgs = Omit<ContactsArgs, 'first' | 'after'>;

/** Checked arguments: the range, the parsed filter and the two conditions. */
export interface ContactSelection {
  from: Date;
  to: Date;
  filter: ContactScope;
  answered: boolean | null;
  minWaitSeconds: number | null;
}

/** Checks the selection arguments (the filter's ids and keys against the organization's directory); BAD_USER_INPUT names the field and rule. */
export async function parseContactSelection(em: EntityManager, organizationId: number, args: ContactSelectionArgs): Promise<ContactSelection> {
  const { from, to } = checkTimeRange(args.range, { field: 'range', maxDays: MAX_RANGE_DAYS });
  const filter = await resolveContactFilter(em, organizationId, args.filter, 'filter');
  const minWaitSeconds = args.minWaitSeconds ?? null;
  if (minWaitSeconds !== null && minWaitSeconds < 0) {
    throw badUserInput(`minWaitSeconds: must not be negative, got ${minWaitSeconds}`, [
      { field: 'minWaitSeconds', rule: 'NEGATIVE', message: 'must not be negative' },
    ]);
  }
  return { from, to, filter, answered: args.answered ?? null, minWaitSeconds };
}

/** The `where` conditions of a selection on table `contact`, always within one organization. */
export function contactSelectionWhere(organizationId: number, selection: ContactSelection): Sql {
  const { from, to, answered, minWaitSeconds } = selection;
  return sql`contact.organization_id = ${organizationId}
        and contact.offered_at >= ${from.toISOString()}::timestamptz and contact.offered_at < ${to.toISOString()}::timestamptz${scopeWhere(selection.filter, 'contact.')}${
          answered === null ? raw('') : raw(answered ? ' and contact.answered_at is not null' : ' and contact.answered_at is null')
        }${minWaitSeconds === null ? raw('') : sql` and contact.wait_seconds >= ${minWaitSeconds}`}`;
}

/**
 * The contact drill-through: contacts offered in [from, to), newest first
 * (offeredAt desc, id desc), one page at a time with keyset pagination, in one
 * SQL statement and always within one organization.
 */
export class ContactsQueryService {
  constructor(private readonly em: EntityManager) {}

  async page(organizationId: number, args: ContactsArgs): Promise<ContactPage> {
    const selection = await parseContactSelection(this.em, organizationId, args);
    const first = pageSize(args.first);
    const after = afterCursor(args.after);

    const where = contactSelectionWhere(organizationId, selection);
    const query = sql`select ${raw(CONTACT_COLUMNS.join(', '))}
      from contact
      where ${where}${
          after === null ? raw('') : sql` and (offered_at, id) < (${after.offeredAt.toISOString()}::timestamptz, ${after.id}::bigint)`
        }
      order by offered_at desc, id desc
      limit ${first + 1}`;
    // A page after a cursor has items before it when one of the selection is at or before the cursor.
    const earlier = after && sql`select exists (select 1 from contact where ${where}
        and (offered_at, id) >= (${after.offeredAt.toISOString()}::timestamptz, ${after.id}::bigint)) as earlier`;
    const [rows, previous] = await Promise.all([
      this.em.execute<ContactRow[]>(query.text, [...query.values]),
      earlier ? this.em.execute<Array<{ earlier: boolean }>>(earlier.text, [...earlier.values]) : [],
    ]);
    const page = rows.slice(0, first);
    const count = sql`select count(*)::int as n from contact where ${where}`;
    return {
      rows: page.map((row) => ({ row, cursor: encodeCursor(row.offered_at, String(row.id)) })),
      hasNextPage: rows.length > first,
      hasPreviousPage: previous[0]?.earlier ?? false,
      countAll: async () => (await this.em.execute<Array<{ n: number }>>(count.text, [...count.values]))[0]!.n,
    };
  }
}
