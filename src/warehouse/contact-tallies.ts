import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureDeltaTable } from './deltas';
import { CONTACT_FACT, QA_TALLIES, SURVEY_TALLIES } from './facts';

/**
 * Tallies a contact row carries of the facts that point at it (its survey
 * invitations and answers, its QA evaluations): the rollups sum them by the
 * contact's period and dimensions, and a correction of the contact (another time,
 * queue or agent) stages its old and new versions with their tallies, which moves
 * them in every rollup. They are recomputed from their sources, exact whatever
 * happened before; the caller holds the organization's write lock.
 */
export interface ContactTallies {
  /** Each tally column and its value over the sources' aliases (0 for a contact without any). */
  values: Readonly<Record<string, string>>;
  /**
   * Per contact id (`contact_id`), aggregates of a source table, `%s` where the contact
   * filter goes; `alias` names it in `values`. The first source's contacts are the ones
   * a rebuild looks at (besides those holding tallies).
   */
  sources: ReadonlyArray<{ alias: string; table: string; perContact: string }>;
}

export const SURVEY_CONTACT_TALLIES: ContactTallies = {
  values: {
    survey_invitations: 'coalesce(i.n, 0)',
    survey_responses: 'coalesce(r.n, 0)',
    csat_top2: 'coalesce(r.top2, 0)',
    csat_sum: 'coalesce(r.csat_sum, 0)',
    resolution_answered: 'coalesce(r.resolution_answered, 0)',
    resolution_yes: 'coalesce(r.resolution_yes, 0)',
    complaints: 'coalesce(r.complaints, 0)',
    nps_answers: 'coalesce(r.nps_answers, 0)',
    nps_promoters: 'coalesce(r.nps_promoters, 0)',
    nps_detractors: 'coalesce(r.nps_detractors, 0)',
  } satisfies Record<(typeof SURVEY_TALLIES)[number], string>,
  sources: [
    { alias: 'i', table: 'survey_invitation', perContact: `select contact_id, count(*) as n from survey_invitation where organization_id = ? %s group by contact_id` },
    {
      alias: 'r',
      table: 'survey_response',
      perContact: `select contact_id, count(*) as n, count(*) filter (where csat >= 4) as top2, sum(csat) as csat_sum,
          count(resolved) as resolution_answered, count(*) filter (where resolved) as resolution_yes,
          count(*) filter (where complaint) as complaints, count(nps) as nps_answers,
          count(*) filter (where nps >= 9) as nps_promoters, count(*) filter (where nps <= 6) as nps_detractors
        from survey_response where organization_id = ? %s group by contact_id`,
    },
  ],
};

/**
 * DOMAIN.md "Quality": per contact, its evaluations, the sum of their scores (numeric,
 * so that sums stay exact) and how many had a fatal error (scored 0). A score enters
 * as its shortest round-trip text (`::text::numeric`), not `::numeric` (15 digits):
 * a group of one or two evaluations then reads back the very double its client sent
 * or the double sum a client computes (0.8333333333333334, not 0.833333333333333).
 */
export const QA_CONTACT_TALLIES: ContactTallies = {
  values: {
    qa_evaluations: 'coalesce(e.n, 0)',
    qa_score_sum: 'coalesce(e.score_sum, 0)',
    qa_fatal_errors: 'coalesce(e.fatal, 0)',
  } satisfies Record<(typeof QA_TALLIES)[number], string>,
  sources: [
    {
      alias: 'e',
      table: 'qa_evaluation',
      perContact: `select contact_id, count(*) as n, sum(score::text::numeric) as score_sum,
          count(*) filter (where cardinality(fatal_errors) > 0) as fatal
        from qa_evaluation where organization_id = ? %s group by contact_id`,
    },
  ],
};

const STAGED = CONTACT_FACT.staged;

/**
 * Recomputes `tallies` of contacts and stages every changed contact's delta for
 * applyDeltas. `contactIds` null: every contact of the organization, unstaged (for the
 * rebuild, which derives the rollups afresh). Pass every contact a source row left as
 * well as those it points at now (a re-sent evaluation may name another contact).
 */
export async function refreshContactTallies(
  em: EntityManager,
  organizationId: number,
  contactIds: readonly string[] | null,
  tallies: ContactTallies,
): Promise<void> {
  const only = contactIds === null ? '' : 'and contact_id = any(?::bigint[])';
  const ids = contactIds === null ? [] : [`{${contactIds.join(',')}}`];
  const columns = Object.keys(tallies.values);
  const values = Object.values(tallies.values);
  // A contact with no source row left (or none to check) is reset to zeros if it has any.
  const subjects =
    contactIds === null
      ? `select id from contact where organization_id = ? and (${columns.map((t) => `${t} <> 0`).join(' or ')})
         union select contact_id from ${tallies.sources[0]!.table} where organization_id = ?`
      : `select distinct unnest(?::bigint[]) as id`;
  const subjectParams = contactIds === null ? [organizationId, organizationId] : ids;
  // `k` is the contact as it was before this statement (the replaced version, staged −1).
  const update = `
    update contact c set ${columns.map((t, n) => `${t} = ${values[n]}`).join(', ')}
    from (${subjects}) s
    ${tallies.sources.map((s) => `left join (${s.perContact.replace('%s', only)}) ${s.alias} on ${s.alias}.contact_id = s.id`).join('\n    ')}
    join contact k on k.organization_id = ? and k.id = s.id
    where c.organization_id = ? and c.id = k.id
      and (${columns.map((t) => `k.${t}`).join(', ')}) is distinct from (${values.join(', ')})
    returning ${columns.map((t) => `k.${t} as was_${t}`).join(', ')}, ${STAGED.map((col) => `c.${col}`).join(', ')}`;
  const params = [...subjectParams, ...tallies.sources.flatMap(() => [organizationId, ...ids]), organizationId, organizationId];
  if (contactIds === null) {
    await em.execute(update, params);
    return;
  }
  await ensureDeltaTable(em, CONTACT_FACT);
  await em.execute(
    `with updated as (${update}),
     staged as (
       insert into ${CONTACT_FACT.deltaTable} (sign, ${STAGED.join(', ')})
       select -1, ${STAGED.map((col) => (columns.includes(col) ? `u.was_${col}` : `u.${col}`)).join(', ')} from updated u
       union all
       select 1, ${STAGED.map((col) => `u.${col}`).join(', ')} from updated u)
     select 1`,
    params,
  );
}
