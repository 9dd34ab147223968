import type { EntityManager } from '@mikro-orm/postgresql';
import { createDirectoryLoaders } from '../org/directory.loaders';
import type { FactChange } from '../warehouse/deltas';
import { enqueueWebhookEvent, hasWebhooks } from '../webhooks/webhooks.store';
import { statusChanges } from './alerts';
import type { SlaStatus } from './evaluation';
import { SlaScorecards, currentPeriodOf } from './sla.scorecards';
import { SlaStore } from './sla.store';

/**
 * Inside the transaction of a write that changed facts (under the organization's
 * write lock, so evaluations of one organization never interleave): for each
 * policy whose current, open period the change touches, evaluates the
 * policy-wide card of that period (policy zone, service hours) and writes one
 * webhook event per target whose status changed since the last write, in the
 * outbox of the same transaction. Nothing is evaluated for an organization
 * without webhooks.
 */
export async function raiseSlaAlerts(em: EntityManager, change: FactChange, now = new Date()): Promise<number> {
  const { organizationId } = change;
  if (!(await hasWebhooks(em, organizationId))) return 0;
  const policies = await new SlaStore(em).all(organizationId, false);
  if (policies.length === 0) return 0;
  const states = new Map(
    (await em.execute<Array<{ policy_id: string; period_start: Date | string; statuses: SlaStatus[] }>>(
      'select policy_id, period_start, statuses from sla_alert_state where organization_id = ?', [organizationId],
    )).map((s) => [String(s.policy_id), { periodStart: new Date(s.period_start).getTime(), statuses: s.statuses }]),
  );
  const scorecards = new SlaScorecards(em, createDirectoryLoaders(em, async () => organizationId), organizationId);
  let raised = 0;
  for (const versions of policies) {
    const period = currentPeriodOf(versions, now);
    if (change.to <= period.start || change.from >= period.end) continue; // its card cannot have changed
    const card = await scorecards.currentCard(versions, now);
    const policyId = versions[0]!.policyId;
    const state = states.get(policyId);
    const previous = state && state.periodStart === card.periodStart.getTime() ? state.statuses : [];
    for (const c of statusChanges(previous, card.targets)) {
      await enqueueWebhookEvent(em, organizationId, c.type, (id) => ({
        id,
        type: c.type,
        occurredAt: now.toISOString(),
        policy: { id: policyId, name: card.version.definition.name },
        periodStart: card.periodStart.toISOString(),
        periodEnd: card.periodEnd.toISOString(),
        metric: c.target.metric,
        comparator: c.target.comparator,
        target: c.target.target,
        warning: c.target.warning,
        actual: c.target.actual,
        status: c.target.status,
        previousStatus: c.previousStatus,
      }));
      raised++;
    }
    await em.execute(
      `insert into sla_alert_state (organization_id, policy_id, period_start, statuses) values (?, ?, ?, ?::jsonb)
       on conflict (organization_id, policy_id) do update set period_start = excluded.period_start, statuses = excluded.statuses`,
      [organizationId, policyId, card.periodStart.toISOString(), JSON.stringify(card.targets.map((t) => t.status))],
    );
  }
  return raised;
}
