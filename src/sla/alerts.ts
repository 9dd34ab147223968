import type { WebhookEventType } from '../webhooks/webhook-events';
import type { SlaStatus, TargetEvaluation } from './evaluation';

/** A target's status changed on the current period's card. */
export interface StatusChange {
  type: WebhookEventType;
  index: number;
  target: TargetEvaluation;
  previousStatus: SlaStatus;
}

/**
 * The events of a card's new statuses against the last ones seen for the same
 * period (none seen: every target was MET): to AT_RISK, to BREACHED, and from
 * AT_RISK or BREACHED back to MET. Other moves (to or from NO_DATA) raise nothing.
 */
export function statusChanges(previous: readonly (SlaStatus | null | undefined)[], targets: readonly TargetEvaluation[]): StatusChange[] {
  const changes: StatusChange[] = [];
  targets.forEach((target, index) => {
    const before = previous[index] ?? 'MET';
    const now = target.status;
    if (now === before) return;
    const type: WebhookEventType | null =
      now === 'AT_RISK' ? 'SLA_AT_RISK'
      : now === 'BREACHED' ? 'SLA_BREACHED'
      : now === 'MET' && (before === 'AT_RISK' || before === 'BREACHED') ? 'SLA_RECOVERED'
      : null;
    if (type) changes.push({ type, index, target, previousStatus: before });
  });
  return changes;
}
