import type { EntityManager } from '@mikro-orm/postgresql';
import { QaService } from '../quality/qa.service';
import type { QaCriterionInput, QaEvaluationFields } from '../quality/qa-scoring';
import { Channel } from '../warehouse/channels';
import { STRUGGLING_AGENTS, mulberry32 } from './demo-generator';

/**
 * The demo center's quality monitoring (DOMAIN.md "Quality"): a form for calls
 * and one for written contacts, each with two fatal criteria (wrong account
 * information, a privacy breach), and supervisors scoring about 3.5 in 1,000
 * handled contacts (a few hundred over the 90 days, about one per agent a
 * fortnight). Most evaluations score 0.7–1 and 3–5 % are fatal errors; the
 * agents the coaching report should find (long handle times, low resolution)
 * also score lower and fail fatal criteria more often. Recorded through the
 * normal write path; written once, skipped when the organization has QA forms.
 */

export const DEMO_QA_FORMS: ReadonlyArray<{ name: string; channels: readonly Channel[]; criteria: readonly QaCriterionInput[] }> = [
  {
    name: 'Calls',
    channels: [Channel.VOICE],
    criteria: [
      { key: 'greeting', label: 'Greets and introduces themselves', weight: 1 },
      { key: 'needs', label: 'Finds out what the customer needs', weight: 2 },
      { key: 'solution', label: 'Solves the issue or sets the next step', weight: 3 },
      { key: 'tone', label: 'Friendly, clear, no jargon', weight: 1 },
      { key: 'closing', label: 'Summarises and closes', weight: 1 },
      { key: 'correct-information', label: 'Gives correct account information', weight: 1, fatal: true },
      { key: 'privacy', label: 'Verifies identity before disclosing data', weight: 1, fatal: true },
    ],
  },
  {
    name: 'Chats and emails',
    channels: [Channel.CHAT, Channel.EMAIL, Channel.MESSAGING],
    criteria: [
      { key: 'greeting', label: 'Greets by name', weight: 1 },
      { key: 'solution', label: 'Answers every question asked', weight: 3 },
      { key: 'writing', label: 'Spelling, tone and formatting', weight: 1 },
      { key: 'correct-information', label: 'Gives correct account information', weight: 1, fatal: true },
      { key: 'privacy', label: 'Verifies identity before disclosing data', weight: 1, fatal: true },
    ],
  },
];

export const DEMO_EVALUATORS = ['Sam Becker', 'Tia Lang', 'Uwe Roth'] as const;
/** Handled contacts evaluated per 10,000 (chosen by a hash of the external id). */
const EVALUATED_PER_10_000 = 35;
/** Chance that each fatal criterion fails: two of them, so 3–5 % of evaluations are fatal errors (about 8 % for the struggling agents). */
const FATAL_CHANCE = 0.018;
const STRUGGLING_FATAL_CHANCE = 0.04;

/**
 * One evaluation's scores, pure: each criterion around the agent's skill (0.9, or
 * 0.72 for a struggling agent) ± 0.15 in steps of 0.05; a fatal criterion is 1
 * unless it fails (0).
 */
export function demoScores(next: () => number, criteria: readonly QaCriterionInput[], struggling: boolean): Array<{ criterion: string; score: number }> {
  const skill = struggling ? 0.72 : 0.9;
  return criteria.map((c) => {
    if (c.fatal) return { criterion: c.key, score: next() < (struggling ? STRUGGLING_FATAL_CHANCE : FATAL_CHANCE) ? 0 : 1 };
    const raw = skill + (next() - 0.5) * 0.3;
    return { criterion: c.key, score: Math.min(1, Math.max(0, Math.round(raw * 20) / 20)) };
  });
}

export async function seedDemoQuality(em: EntityManager, organizationId: number, seed: number): Promise<{ forms: number; evaluations: number }> {
  const [{ n }] = await em.execute('select count(*)::int as n from qa_form where organization_id = ?', [organizationId]);
  if (n > 0) return { forms: 0, evaluations: 0 };
  const service = new QaService(em);
  const forms: Array<(typeof DEMO_QA_FORMS)[number] & { id: string }> = [];
  for (const form of DEMO_QA_FORMS) forms.push({ ...form, id: (await service.createForm(organizationId, form.name, form.criteria)).id });
  const sampled: Array<{ external_id: string; channel: Channel; agent: string; ended_at: Date | string }> = await em.execute(
    `select c.external_id, c.channel, a.key as agent, c.ended_at
     from contact c join agent a on a.organization_id = c.organization_id and a.id = c.agent_id
     where c.organization_id = ? and c.answered_at is not null and abs(hashtext(c.external_id || '/qa')) % 10000 < ?
     order by c.external_id`,
    [organizationId, EVALUATED_PER_10_000],
  );
  const next = mulberry32(seed ^ 0x51a);
  const evaluations: QaEvaluationFields[] = sampled.map((c) => {
    const form = forms.find((f) => f.channels.includes(c.channel))!;
    return {
      externalId: `demo-qa-${c.external_id}`,
      contactExternalId: c.external_id,
      formId: form.id,
      evaluator: DEMO_EVALUATORS[Math.floor(next() * DEMO_EVALUATORS.length)]!,
      // Listened to within the next hours (whole seconds).
      evaluatedAt: new Date(Math.floor(new Date(c.ended_at).getTime() / 1000) * 1000 + Math.floor(30 + next() * 570) * 60_000),
      scores: demoScores(next, form.criteria, STRUGGLING_AGENTS.has(c.agent)),
    };
  });
  if (evaluations.length > 0) await service.record(organizationId, evaluations);
  return { forms: forms.length, evaluations: evaluations.length };
}
