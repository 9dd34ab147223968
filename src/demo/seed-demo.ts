import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger';
import { BatchWriter } from '../import/batch-writer';
import { ACTIVITY } from '../import/record-kinds';
import { HourlyCostsService } from '../activity/hourly-costs.service';
import { MAX_ACTIVITY_PER_BATCH, validateActivity, type ValidActivity } from '../activity/activity.validation';
import { seedDemoSurveysAndPolicies } from './demo-surveys-and-policies';
import { seedDemoQuality } from './demo-quality';
import { NO_LOCAL_DAYS_ZONE } from '../warehouse/grain';
import { setReportingZone } from '../analytics/reporting-zone';
import { reportingZoneOf } from '../org/reporting-zone';
import { MAX_CONTACTS_PER_BATCH, validateContacts } from '../contacts/contact.validation';
import { QueueTeamService } from '../contacts/queue-team.service';
import { DirectoryWriter } from '../org/directory.writer';
import { lockOrganizationWrites } from '../warehouse/write-lock';
import {
  DEMO_AGENTS,
  DEMO_AGENT_HOURLY_COSTS,
  DEMO_DEFAULT_DAYS,
  DEMO_DEFAULT_TIME_ZONE,
  DEMO_QUEUES,
  DEMO_TEAMS,
  demoActivity,
  demoDates,
  generateDemoContacts,
  type DemoOptions,
} from './demo-generator';

/** The fixed seed of the demo data set: every fresh install shows the same center. */
export const DEMO_SEED = 1999;

export interface DemoSummary {
  /** Contacts generated (and written or found unchanged). */
  contacts: number;
  days: number;
  /** First and last local day, 'YYYY-MM-DD' (Europe/Berlin). */
  from: string;
  to: string;
  created: number;
  updated: number;
  unchanged: number;
  /** Agent activity records (15-minute intervals) generated, and how many of them were written anew or changed. */
  activity: number;
  activityCreated: number;
  activityUpdated: number;
  /** Hourly costs set by this run: the demo teams' and agents' that had none yet. */
  hourlyCosts: number;
  /** Queues given their owning team by this run: the demo queues that had none yet. */
  queueOwners: number;
  /** The organization's reporting time zone afterwards (the demo center's, unless it had another than UTC). */
  reportingTimeZone: string;
}

export interface SeedDemoOptions {
  logger: Logger;
  /** Last day included, 'YYYY-MM-DD'; default yesterday (UTC). */
  endDate?: string;
  days?: number;
  seed?: number;
}

/**
 * Loads the demo data set into an organization through the normal write paths:
 * hourly costs first (so activity is priced as it is written), then day by day
 * the contacts (batches of at most MAX_CONTACTS_PER_BATCH) and the agents'
 * activity derived from them (batches of at most MAX_ACTIVITY_PER_BATCH).
 * Idempotent: contacts have deterministic external ids, activity records
 * deterministic (agent, interval) keys, and costs are only set where none is,
 * so running it again creates and updates nothing.
 */
export async function seedDemo(em: EntityManager, organizationId: number, options: SeedDemoOptions): Promise<DemoSummary> {
  const { logger } = options;
  const demo: DemoOptions = {
    endDate: options.endDate ?? yesterdayUtc(),
    days: options.days ?? DEMO_DEFAULT_DAYS,
    seed: options.seed ?? DEMO_SEED,
  };
  const dates = demoDates(demo);
  const hourlyCosts = await seedHourlyCosts(em, organizationId);
  const queueOwners = await seedQueueOwners(em, organizationId);
  const writer = new BatchWriter(em, organizationId, MAX_CONTACTS_PER_BATCH, (totals) =>
    logger.debug(totals, 'demo data: batch written'),
  );
  const activityWriter = new BatchWriter<ValidActivity>(
    em,
    organizationId,
    MAX_ACTIVITY_PER_BATCH,
    (totals) => logger.debug(totals, 'demo data: activity batch written'),
    ACTIVITY,
  );
  let day = 0;
  for (const contacts of generateDemoContacts(demo)) {
    const date = dates[day++];
    const { contacts: valid, problems } = validateContacts(contacts);
    if (problems.length) {
      const [p] = problems;
      throw new Error(`demo generator bug: ${problems.length} invalid fields on ${date}, first ${p.field} ${p.rule}: ${p.message}`);
    }
    for (const contact of valid) await writer.add(contact);
    const activity = validateActivity(demoActivity(demo, date, contacts));
    if (activity.problems.length) {
      const [p] = activity.problems;
      throw new Error(`demo generator bug: ${activity.problems.length} invalid activity fields on ${date}, first ${p.field} ${p.rule}: ${p.message}`);
    }
    for (const record of activity.records) await activityWriter.add(record);
  }
  await writer.flush();
  await activityWriter.flush();
  const { received: contacts, ...totals } = writer.totals;
  const { received: activity, created: activityCreated, updated: activityUpdated } = activityWriter.totals;
  await nameDirectory(em, organizationId);
  const extras = await seedDemoSurveysAndPolicies(em, organizationId);
  logger.debug(extras, 'demo data: surveys and SLA policies');
  const quality = await seedDemoQuality(em, organizationId, demo.seed);
  logger.debug(quality, 'demo data: QA forms and evaluations');
  const reportingTimeZone = await adoptReportingZone(em, organizationId);

  return {
    contacts,
    ...totals,
    activity,
    activityCreated,
    activityUpdated,
    hourlyCosts,
    queueOwners,
    reportingTimeZone,
    days: dates.length,
    from: dates[0],
    to: dates[dates.length - 1],
  };
}

/**
 * The demo center works in Europe/Berlin, and its reports are cut there: the
 * organization takes that reporting zone (day rollups of its own, rebuilt once
 * here rather than kept through the load) while it still has the default, UTC.
 * A zone someone chose stays.
 */
async function adoptReportingZone(em: EntityManager, organizationId: number): Promise<string> {
  const zone = await reportingZoneOf(em, organizationId);
  if (zone !== NO_LOCAL_DAYS_ZONE) return zone;
  await setReportingZone(em, organizationId, DEMO_DEFAULT_TIME_ZONE);
  return DEMO_DEFAULT_TIME_ZONE;
}

/**
 * The demo teams' hourly costs and a few agents' own (an agent's cost beats its
 * team's), through the normal write path. A subject that already has a cost is
 * left alone: a second run changes nothing, and costs someone edited stay.
 * Returns how many were set.
 */
async function seedHourlyCosts(em: EntityManager, organizationId: number): Promise<number> {
  const service = new HourlyCostsService(em);
  const existing = await service.list(organizationId);
  const teamsWithCost = new Set(existing.flatMap((c) => (c.team && !c.agent ? [c.team] : [])));
  const agentsWithCost = new Set(existing.flatMap((c) => (c.agent ? [c.agent] : [])));
  const wanted = [
    ...DEMO_TEAMS.filter((t) => !teamsWithCost.has(t.key)).map((t) => ({ team: t.key, hourlyCost: t.hourlyCost })),
    ...DEMO_AGENT_HOURLY_COSTS.filter((a) => !agentsWithCost.has(a.agent)).map((a) => ({ agent: a.agent, hourlyCost: a.hourlyCost })),
  ];
  for (const cost of wanted) await service.set(organizationId, cost);
  return wanted.length;
}

/**
 * Each demo queue is owned by the team that mainly serves it (DemoQueue.team), set
 * through setQueueTeam's path before the contacts are written: their abandoned
 * calls (no agent, no team key) are then credited to that team, so every team's
 * abandonment shows in the SLA review instead of an unassigned card taking it all.
 * A queue that already has an owner keeps it. Returns how many were set.
 */
async function seedQueueOwners(em: EntityManager, organizationId: number): Promise<number> {
  const { queues, teams } = await em.transactional(async (tx) => {
    const directory = new DirectoryWriter(tx, organizationId);
    return {
      queues: await directory.ensureQueuesWithOwners(DEMO_QUEUES.map((q) => q.key)),
      teams: await directory.ensureTeams(DEMO_TEAMS.map((t) => t.key)),
    };
  });
  const service = new QueueTeamService(em);
  let set = 0;
  for (const queue of DEMO_QUEUES) {
    const { id, teamId } = queues.get(queue.key)!;
    if (teamId !== null) continue;
    await service.set(organizationId, id, teams.get(queue.team)!);
    set++;
  }
  return set;
}

/** The one place that reads the clock: yesterday's date in UTC, a day fully in the past. */
function yesterdayUtc(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Gives the demo teams, queues and agents display names. Contacts create them
 * with name = key; rows someone has renamed since are left alone.
 */
async function nameDirectory(em: EntityManager, organizationId: number): Promise<void> {
  const names = {
    team: DEMO_TEAMS.map(({ key, name }) => ({ key, name })),
    queue: DEMO_QUEUES.map(({ key, name }) => ({ key, name })),
    agent: DEMO_AGENTS.map(({ key, name }) => ({ key, name })),
  };
  await em.transactional(async (tx) => {
    await lockOrganizationWrites(tx, organizationId); // names are part of KPI answers: a new facts version (their cache's key)
    for (const [table, rows] of Object.entries(names)) {
      await tx.execute(
        `update ${table} d set name = x.name
         from jsonb_to_recordset(?::jsonb) as x(key text, name text)
         where d.organization_id = ? and d.key = x.key and d.name = d.key`,
        [JSON.stringify(rows), organizationId],
      );
    }
  });
}
