import type { EntityManager } from '@mikro-orm/postgresql';
import { periodBoundaries } from '../platform/calendar';
import { validateKpiAsk, type KpiAsk } from '../analytics/kpi.service';
import { checkTimeRange, resolveContactFilter, type ContactFilter, type TimeRange } from '../analytics/query.inputs';
import { scopeWhere } from '../analytics/scope.sql';
import { raw, sql } from '../analytics/sql';
import {
  CONTACT_COLUMNS, MAX_RANGE_DAYS, afterCursor, encodeCursor, pageSize, type ContactRow,
} from '../contacts/contacts.query.service';
import { badUserInput } from '../platform/errors';
import type { ResponseRow } from './surveys.service';

/** The arguments of `Query.surveyResponses`. */
export interface SurveyResponsesArgs {
  range: TimeRange;
  filter?: ContactFilter | null;
  maxCsat?: number | null;
  complaint?: boolean | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Reading answers: survey responses of contacts offered in [from, to), newest
 * contact first (offeredAt, then response id, descending), with the contact,
 * keyset-paginated like `contacts`; and complaint counts per category and period.
 */
export class SurveyAnswersQuery {
  constructor(private readonly em: EntityManager) {}

  async page(
    organizationId: number,
    args: SurveyResponsesArgs,
  ): Promise<{ rows: Array<{ response: ResponseRow; contact: ContactRow; cursor: string }>; hasNextPage: boolean; hasPreviousPage: boolean; countAll: () => Promise<number> }> {
    const { from, to } = checkTimeRange(args.range, { field: 'range', maxDays: MAX_RANGE_DAYS });
    const filter = await resolveContactFilter(this.em, organizationId, args.filter, 'filter');
    const first = pageSize(args.first);
    const maxCsat = args.maxCsat ?? null;
    if (maxCsat !== null && (maxCsat < 1 || maxCsat > 5)) {
      throw badUserInput(`maxCsat: must be from 1 to 5, got ${maxCsat}`, [{ field: 'maxCsat', rule: 'OUT_OF_RANGE', message: 'must be from 1 to 5' }]);
    }
    const after = afterCursor(args.after);
    const selected = sql`from survey_response r
      join lateral (select ${raw(CONTACT_COLUMNS.join(', '))} from contact
                    where contact.organization_id = r.organization_id and contact.id = r.contact_id) c on true
      where r.organization_id = ${organizationId}
        and c.offered_at >= ${from.toISOString()}::timestamptz and c.offered_at < ${to.toISOString()}::timestamptz${scopeWhere(filter, 'c.')}${
          maxCsat === null ? raw('') : sql` and r.csat <= ${maxCsat}`
        }${args.complaint == null ? raw('') : sql` and r.complaint = ${args.complaint}`}`;
    const query = sql`select row_to_json(r) as response, row_to_json(c) as contact ${selected}${
          after === null ? raw('') : sql` and (c.offered_at, r.id) < (${after.offeredAt.toISOString()}::timestamptz, ${after.id}::bigint)`
        }
      order by c.offered_at desc, r.id desc
      limit ${first + 1}`;
    // A page after a cursor has items before it when one of the selection is at or before the cursor.
    const earlier = after && sql`select exists (select 1 ${selected}
        and (c.offered_at, r.id) >= (${after.offeredAt.toISOString()}::timestamptz, ${after.id}::bigint)) as earlier`;
    const [rows, previous] = await Promise.all([
      this.em.execute<Array<{ response: ResponseRow; contact: ContactRow }>>(query.text, [...query.values]),
      earlier ? this.em.execute<Array<{ earlier: boolean }>>(earlier.text, [...earlier.values]) : [],
    ]);
    const count = sql`select count(*)::int as n ${selected}`;
    return {
      hasPreviousPage: previous[0]?.earlier ?? false,
      countAll: async () => (await this.em.execute<Array<{ n: number }>>(count.text, [...count.values]))[0]!.n,
      rows: rows.slice(0, first).map(({ response, contact }) => ({
        response,
        contact,
        cursor: encodeCursor(contact.offered_at, String(response.id)),
      })),
      hasNextPage: rows.length > first,
    };
  }

  /** Complaints per category and period of the contacts (KpiQuery's range, zone, filter, granularity). */
  async complaintBreakdown(ask: Omit<KpiAsk, 'fields'>): Promise<Array<{ periodStart: Date | null; periodEnd: Date | null; category: string | null; count: number }>> {
    const request = validateKpiAsk({ ...ask, fields: [] });
    const boundaries = request.granularity
      ? periodBoundaries(request.from, request.to, request.granularity, request.timeZone)
      : [request.from, request.to];
    const query = sql`select width_bucket(c.offered_at, ${`{${boundaries.map((b) => b.toISOString()).join(',')}}`}::timestamptz[]) as p,
        r.complaint_category as category, count(*)::int as count
      from survey_response r
      join contact c on c.organization_id = r.organization_id and c.id = r.contact_id
      where r.organization_id = ${request.organizationId} and r.complaint
        and c.offered_at >= ${request.from.toISOString()}::timestamptz and c.offered_at < ${request.to.toISOString()}::timestamptz${scopeWhere(request.filter, 'c.')}
      group by 1, 2
      order by 1, 2 nulls last`;
    const rows: Array<{ p: number; category: string | null; count: number }> = await this.em.execute(query.text, [...query.values]);
    return rows.map((r) => ({
      periodStart: request.granularity ? boundaries[r.p - 1]! : null,
      periodEnd: request.granularity ? boundaries[r.p]! : null,
      category: r.category,
      count: r.count,
    }));
  }
}
