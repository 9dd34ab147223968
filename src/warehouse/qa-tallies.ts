import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureDeltaTable } from './deltas';
import { CONTACT_FACT, QA_TALLIES } from './facts';

/**
 * The contacts' QA tallies (DOMAIN.md "Quality"): per contact, its evaluations, the
 * sum of their scores (numeric, so that sums stay exact) and how many had a fatal
 * error. Kept on the contact row like its survey tallies: the rollups sum them by the
 * contact's period and dimensions, and a correction of the contact (another time,
 * queue or agent) stages its old and new versions with their tallies, which moves
 * its evaluations in every rollup. The caller holds the organization's write lock.
 */

const STAGED = CONTACT_FACT.staged;
const DELTA = CONTACT_FACT.deltaTable;

const VALUES = {
  qa_evaluations: 'coalesce(e.n, 0)',
  qa_score_sum: 'coalesce(e.score_sum, 0)',
  qa_fatal_errors: 'coalesce(e.fatal, 0)',
} satisfies Record<(typeof QA_TALLIES)[number], string>;

/** Per contact id, its evaluations' tallies (an evaluation with a fatal error has score 0 and counts one fatal error). */
const EVALUATIONS = `select contact_id, count(*) as n, sum(score::numeric) as score_sum,
    count(*) filter (where cardinality(fatal_errors) > 0) as fatal
  from qa_evaluation where organization_id = ? %s group by contact_id`;

/**
 * Recomputes the QA tallies of contacts from their stored evaluations (exact, whatever
 * happened before) and stages every changed contact's delta for applyDeltas.
 * `contactIds` null: every contact of the organization, unstaged (for the rebuild,
 * which derives the rollups afresh). Pass the contacts an evaluation left as well as
 * those it points at now: a re-sent evaluation may name another contact.
 */
export async function refreshQaTallies(em: EntityManager, organizationId: number, contactIds: readonly string[] | null): Promise<void> {
  const only = contactIds === null ? '' : 'and contact_id = any(?::bigint[])';
  const ids = contactIds === null ? [] : [`{${contactIds.join(',')}}`];
  const tallies = Object.keys(VALUES);
  const values = Object.values(VALUES);
  const subjects = contactIds === null
    ? `select id from contact where organization_id = ? and (${tallies.map((t) => `${t} <> 0`).join(' or ')})
       union select contact_id from qa_evaluation where organization_id = ?`
    : `select distinct unnest(?::bigint[]) as id`;
  const subjectParams = contactIds === null ? [organizationId, organizationId] : ids;
  if (contactIds !== null) await ensureDeltaTable(em, CONTACT_FACT);
  // `k` is the contact as it was before this statement (the replaced version, staged −1).
  const update = `
    update contact c set ${tallies.map((t, n) => `${t} = ${values[n]}`).join(', ')}
    from (${subjects}) s
    left join (${EVALUATIONS.replace('%s', only)}) e on e.contact_id = s.id
    join contact k on k.organization_id = ? and k.id = s.id
    where c.organization_id = ? and c.id = k.id
      and (${tallies.map((t) => `k.${t}`).join(', ')}) is distinct from (${values.join(', ')})
    returning ${tallies.map((t) => `k.${t} as was_${t}`).join(', ')}, ${STAGED.map((col) => `c.${col}`).join(', ')}`;
  const params = [...subjectParams, organizationId, ...ids, organizationId, organizationId];
  if (contactIds === null) {
    await em.execute(update, params);
    return;
  }
  await em.execute(
    `with updated as (${update}),
     staged as (
       insert into ${DELTA} (sign, ${STAGED.join(', ')})
       select -1, ${STAGED.map((col) => (tallies.includes(col) ? `u.was_${col}` : `u.${col}`)).join(', ')} from updated u
       union all
       select 1, ${STAGED.map((col) => `u.${col}`).join(', ')} from updated u)
     select 1`,
    params,
  );
}
