import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger';
import { BatchWriter } from '../contacts/import/batch-writer';
import { seedDemoSurveysAndPolicies } from './demo-surveys-and-policies';
import { MAX_CONTACTS_PER_BATCH, validateContacts } from '../contacts/contact.validation';
import {
  DEMO_AGENTS,
  DEMO_DEFAULT_DAYS,
  DEMO_QUEUES,
  DEMO_TEAMS,
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
}

export interface SeedDemoOptions {
  logger: Logger;
  /** Last day included, 'YYYY-MM-DD'; default yesterday (UTC). */
  endDate?: string;
  days?: number;
  seed?: number;
}

/**
 * Loads the demo data set into an organization through the normal write path,
 * day by day in batches of at most MAX_CONTACTS_PER_BATCH. Idempotent: the
 * external ids are deterministic, so running it again creates and updates nothing.
 */
export async function seedDemo(em: EntityManager, organizationId: number, options: SeedDemoOptions): Promise<DemoSummary> {
  const { logger } = options;
  const demo: DemoOptions = {
    endDate: options.endDate ?? yesterdayUtc(),
    days: options.days ?? DEMO_DEFAULT_DAYS,
    seed: options.seed ?? DEMO_SEED,
  };
  const dates = demoDates(demo);
  const writer = new BatchWriter(em, organizationId, MAX_CONTACTS_PER_BATCH, (totals) =>
    logger.debug(totals, 'demo data: batch written'),
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
  }
  await writer.flush();
  const { received: contacts, ...totals } = writer.totals;
  await nameDirectory(em, organizationId);
  const extras = await seedDemoSurveysAndPolicies(em, organizationId);
  logger.debug(extras, 'demo data: surveys and SLA policies');

  return { contacts, ...totals, days: dates.length, from: dates[0], to: dates[dates.length - 1] };
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
