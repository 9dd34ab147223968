import type { FieldProblem } from '../platform/errors';

/**
 * Whole-batch validation of agent activity records, pure: every broken rule of
 * every record is reported (index, field, rule), for the GraphQL mutation and the
 * CSV import alike.
 */

/** The length of one activity interval, the ACD's reporting interval. */
export const ACTIVITY_INTERVAL_SECONDS = 900;
export const MAX_ACTIVITY_PER_BATCH = 10_000;
const KEY_LIMIT = 100;

/** An activity record as received (GraphQL input or a parsed CSV row). */
export interface ActivityFields {
  agent: string;
  team?: string | null;
  intervalStart: Date;
  loggedInSeconds: number;
  availableSeconds: number;
  handlingSeconds: number;
  notReadySeconds: number;
}

export interface ValidActivity {
  agent: string;
  team: string | null;
  intervalStart: Date;
  loggedInSeconds: number;
  availableSeconds: number;
  handlingSeconds: number;
  notReadySeconds: number;
}

const SECONDS_FIELDS = ['loggedInSeconds', 'availableSeconds', 'handlingSeconds', 'notReadySeconds'] as const;

/** The record's identity: a second record for the same agent and interval replaces the first. */
export const activityKey = (a: { agent: string; intervalStart: Date }) => `${a.agent}|${a.intervalStart.toISOString()}`;

export function validateActivity(
  inputs: readonly ActivityFields[],
  field = 'activity',
): { records: ValidActivity[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const records: ValidActivity[] = [];
  const firstIndexOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    const report = (name: string, rule: string, message: string) =>
      problems.push({ index, field: `${field}[${index}].${name}`, rule, message });
    const record = validateOne(input, report);
    if (!record) return;
    const first = firstIndexOf.get(activityKey(record));
    if (first !== undefined) {
      report('intervalStart', 'DUPLICATE_INTERVAL', `agent "${record.agent}" has this interval twice in the batch (first at index ${first})`);
    } else {
      firstIndexOf.set(activityKey(record), index);
      records.push(record);
    }
  });
  return { records: problems.length ? [] : records, problems };
}

type Report = (field: string, rule: string, message: string) => void;

function validateOne(input: ActivityFields, report: Report): ValidActivity | null {
  let ok = true;
  const fail: Report = (...args) => {
    ok = false;
    report(...args);
  };
  const key = (name: 'agent' | 'team', value: string | null | undefined, required: boolean) => {
    const trimmed = value?.trim() ?? '';
    if (!trimmed) {
      if (required) fail(name, 'REQUIRED', 'must not be empty');
      return null;
    }
    if (trimmed.length > KEY_LIMIT) fail(name, 'TOO_LONG', `must be at most ${KEY_LIMIT} characters`);
    return trimmed;
  };
  const agent = key('agent', input.agent, true);
  const team = key('team', input.team, false);

  const start = input.intervalStart;
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
    fail('intervalStart', 'INVALID_DATE', 'must be an ISO-8601 date-time with an offset');
  } else if (start.getTime() % (ACTIVITY_INTERVAL_SECONDS * 1000) !== 0) {
    fail('intervalStart', 'NOT_ALIGNED', 'must start a 15-minute interval (:00, :15, :30 or :45 UTC, whole minute)');
  }

  for (const name of SECONDS_FIELDS) {
    const n = input[name];
    if (!Number.isInteger(n)) fail(name, 'NOT_AN_INTEGER', 'must be a whole number of seconds');
    else if (n < 0 || n > ACTIVITY_INTERVAL_SECONDS) fail(name, 'OUT_OF_RANGE', `must be from 0 to ${ACTIVITY_INTERVAL_SECONDS} seconds`);
  }
  const parts = input.availableSeconds + input.handlingSeconds + input.notReadySeconds;
  if (ok && parts !== input.loggedInSeconds) {
    fail(
      'loggedInSeconds',
      'PARTS_MISMATCH',
      `must equal availableSeconds + handlingSeconds + notReadySeconds (${input.availableSeconds} + ${input.handlingSeconds} + ${input.notReadySeconds} = ${parts}), got ${input.loggedInSeconds}`,
    );
  }
  if (!ok || !agent) return null;
  return {
    agent,
    team,
    intervalStart: start,
    loggedInSeconds: input.loggedInSeconds,
    availableSeconds: input.availableSeconds,
    handlingSeconds: input.handlingSeconds,
    notReadySeconds: input.notReadySeconds,
  };
}
