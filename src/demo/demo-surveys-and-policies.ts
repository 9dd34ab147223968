import type { EntityManager } from '@mikro-orm/postgresql';
import { rebuildOrganizationFacts } from '../warehouse/rebuild';
import { SlaPeriod, type SlaDefinitionInput } from '../sla/sla-policy';
import { Channel } from '../warehouse/channels';
import { SlaStore } from '../sla/sla.store';
import { hashToken, newSalt, surveyToken, surveyTokenSecret } from '../surveys/survey-tokens';

/**
 * The demo center's surveys and SLA policies: about 30 % of handled contacts
 * invited, 40 % of those answering (CSAT falls with the wait; low ratings bring
 * complaints), and the agreements of a monthly review. Written once: skipped
 * when the organization already has invitations or policies.
 */
export async function seedDemoSurveysAndPolicies(em: EntityManager, organizationId: number): Promise<{ invitations: number; policies: number }> {
  const invitations = await seedSurveys(em, organizationId);
  const policies = await seedPolicies(em, organizationId);
  return { invitations, policies };
}

async function seedSurveys(em: EntityManager, organizationId: number): Promise<number> {
  const [{ n }] = await em.execute('select count(*)::int as n from survey_invitation where organization_id = ?', [organizationId]);
  if (n > 0) return 0;
  // Deterministic sampling by external id, so every install shows the same figures.
  const invited: Array<{ id: string }> = await em.execute(
    `select id from contact where organization_id = ? and answered_at is not null and abs(hashtext(external_id)) % 100 < 30 order by id`,
    [organizationId],
  );
  if (invited.length === 0) return 0;
  const secret = await surveyTokenSecret(em);
  const rows = invited.map(({ id }) => {
    const salt = newSalt();
    return { contact_id: id, salt, token_hash: hashToken(surveyToken(secret, salt)) };
  });
  await em.transactional(async (tx) => {
    for (let i = 0; i < rows.length; i += 5000) {
      await tx.execute(
        `insert into survey_invitation (organization_id, contact_id, salt, token_hash, created_at, expires_at)
         select ?, x.contact_id, x.salt, x.token_hash, c.ended_at + interval '5 minutes', c.ended_at + interval '5 minutes' + interval '168 hours'
         from jsonb_to_recordset(?::jsonb) as x(contact_id bigint, salt text, token_hash text)
         join contact c on c.organization_id = ? and c.id = x.contact_id`,
        [organizationId, JSON.stringify(rows.slice(i, i + 5000)), organizationId],
      );
    }
    await tx.execute(
      `with answering as (
         select i.id as invitation_id, i.contact_id, i.created_at, c.wait_seconds, c.first_contact_resolved,
                abs(hashtext(c.external_id || '/survey')) as h
         from survey_invitation i join contact c on c.organization_id = i.organization_id and c.id = i.contact_id
         where i.organization_id = ? and abs(hashtext(c.external_id || '/answers')) % 100 < 40),
       rated as (
         select *, greatest(1, least(5, 5 - (wait_seconds / 45) - (case when h % 7 = 0 then 2 else 0 end) + (h % 3 = 0)::int)) as csat
         from answering)
       insert into survey_response (organization_id, invitation_id, contact_id, csat, resolved, complaint, complaint_category, nps, comment, submitted_at)
       select ?, invitation_id, contact_id, csat,
         case when h % 5 = 0 then null else coalesce(first_contact_resolved, h % 4 <> 0) end,
         csat <= 2 and h % 3 = 0,
         case when csat <= 2 and h % 3 = 0 and h % 4 <> 0
              then (array['waiting time', 'rude agent', 'billing error', 'not resolved'])[1 + (h / 7) % 4] end,
         case when h % 3 = 0 then null else least(10, csat * 2 + (h / 3) % 2) end,
         case when csat <= 2 and h % 2 = 0 then 'Waited far too long before anyone answered.' end,
         created_at + interval '1 hour'
       from rated`,
      [organizationId, organizationId],
    );
    await tx.execute(
      `update survey_invitation i set responded_at = r.submitted_at from survey_response r where r.invitation_id = i.id and i.organization_id = ?`,
      [organizationId],
    );
  });
  await rebuildOrganizationFacts(em, organizationId);
  return rows.length;
}

const WEEKDAYS = [1, 2, 3, 4, 5];

async function seedPolicies(em: EntityManager, organizationId: number): Promise<number> {
  const store = new SlaStore(em);
  if ((await store.all(organizationId, true)).length > 0) return 0;
  const [billing] = await em.execute(`select id from queue where organization_id = ? and key = 'billing'`, [organizationId]);
  const policies: SlaDefinitionInput[] = [
    {
      name: 'Customer service: classic 80/20',
      scope: {},
      period: SlaPeriod.MONTH,
      timeZone: 'Europe/Berlin',
      serviceHours: [...WEEKDAYS.map((d) => ({ dayOfWeek: d, opens: '08:00', closes: '20:00' })), { dayOfWeek: 6, opens: '09:00', closes: '14:00' }],
      holidays: ['2026-10-03', '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31', '2027-01-01', '2027-04-02', '2027-04-05', '2027-05-01'],
      serviceLevelThresholdSeconds: 20,
      // 80/20 is a phone rule: chats, messages and emails are answered within their own T.
      channelThresholds: [
        { channel: Channel.CHAT, serviceLevelThresholdSeconds: 60 },
        { channel: Channel.MESSAGING, serviceLevelThresholdSeconds: 3_600 },
        { channel: Channel.EMAIL, serviceLevelThresholdSeconds: 86_400 },
      ],
      shortAbandonSeconds: 5,
      targets: [
        { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.85, weight: 2, penaltyPerBreach: 1000 },
        { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.05, warning: 0.04, penaltyPerBreach: 500 },
        // No ASA target here: it has no per-channel threshold, and over calls and emails together it
        // reads hours (emails wait hours by design) and would breach every month while calls are fine.
        { metric: 'csatScore', comparator: 'AT_LEAST', target: 0.85, warning: 0.9 },
        { metric: 'complaintRate', comparator: 'AT_MOST', target: 0.0004, penaltyPerBreach: 250 },
        // Workforce health and cost, from agent activity.
        { metric: 'occupancy', comparator: 'AT_MOST', target: 0.9, warning: 0.85 },
        { metric: 'costPerContact', comparator: 'AT_MOST', target: 8, warning: 7.5 },
      ],
    },
    {
      name: 'Billing department (internal SLA)',
      scope: billing ? { queueIds: [Number(billing.id)] } : {},
      period: SlaPeriod.WEEK,
      timeZone: 'Europe/Berlin',
      serviceHours: WEEKDAYS.map((d) => ({ dayOfWeek: d, opens: '08:00', closes: '18:00' })),
      holidays: [],
      serviceLevelThresholdSeconds: 30,
      shortAbandonSeconds: 5,
      targets: [
        { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.9, warning: 0.93 },
        { metric: 'firstContactResolutionRate', comparator: 'AT_LEAST', target: 0.7, warning: 0.75 },
        { metric: 'averageHandleTime', comparator: 'AT_MOST', target: 420 },
      ],
    },
    {
      name: 'Chat: 80 % answered within 60 s',
      scope: { channels: [Channel.CHAT] },
      period: SlaPeriod.MONTH,
      timeZone: 'Europe/Berlin',
      serviceHours: WEEKDAYS.map((d) => ({ dayOfWeek: d, opens: '08:00', closes: '20:00' })),
      holidays: [],
      serviceLevelThresholdSeconds: 60,
      shortAbandonSeconds: 5,
      targets: [
        { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.85 },
        { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.1, warning: 0.08 },
        { metric: 'csatScore', comparator: 'AT_LEAST', target: 0.8 },
      ],
    },
    {
      name: 'Email: 90 % answered within 24 hours',
      scope: { channels: [Channel.EMAIL] },
      period: SlaPeriod.MONTH,
      timeZone: 'Europe/Berlin',
      serviceHours: [],
      holidays: [],
      serviceLevelThresholdSeconds: 86_400,
      shortAbandonSeconds: 0,
      targets: [
        { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.9, warning: 0.95 },
        { metric: 'averageHandleTime', comparator: 'AT_MOST', target: 900 },
      ],
    },
    {
      // QA evaluations are judged by the evaluated contacts' month, whenever they were scored.
      name: 'Quality: monthly QA review',
      scope: {},
      period: SlaPeriod.MONTH,
      timeZone: 'Europe/Berlin',
      serviceHours: [],
      holidays: [],
      serviceLevelThresholdSeconds: 20,
      shortAbandonSeconds: 0,
      targets: [
        { metric: 'qaScore', comparator: 'AT_LEAST', target: 0.85, warning: 0.87, weight: 2 },
        { metric: 'fatalErrorRate', comparator: 'AT_MOST', target: 0.05, warning: 0.04 },
      ],
    },
  ];
  // In force for all time (createSlaPolicy without effectiveFrom).
  for (const policy of policies) await store.create(organizationId, policy, null);
  return policies.length;
}
