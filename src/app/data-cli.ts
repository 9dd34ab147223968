import type { EntityManager } from '@mikro-orm/postgresql';
import { seedDemo } from '../demo/seed-demo';
import { ensureDefaultOrganization } from '../org/api-keys.service';
import { Organization } from '../org/organization.entity';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { openDatabase } from './app';
import { importAnonymousBank } from '../import/anonymous-bank-import';
import { parseDataCommand, UsageError, type DataCommand } from '../import/args';
import { importActivityCsv, importContactsCsv } from '../import/csv-import';
import { ImportFileError } from '../import/problems';
import { describeImport } from '../import/report';
import { rebuildOrganizationFacts } from '../warehouse/rebuild';

/**
 * `seed-demo [--days N] [--end-date YYYY-MM-DD] [--organization SLUG]`,
 * `import contacts|activity|anonymous-bank FILE [--skip-invalid] [--batch-size N] [--time-zone ZONE] [--organization SLUG]`
 * and `rebuild [--organization SLUG]`.
 * A thin wrapper: arguments → database → the import functions; messages on stderr.
 * Exit codes: 0 done, 1 rows rejected or the file unreadable, 2 usage error.
 */
export async function runDataCommand(command: string, args: string[], config: Config, logger: Logger): Promise<number> {
  const say = (message: string) => process.stderr.write(`${command}: ${message}\n`);
  let parsed: DataCommand;
  try {
    parsed = parseDataCommand(command, args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(error.message);
    return 2;
  }

  const { orm, embedded } = await openDatabase(config, logger);
  try {
    const em = orm.em.fork();
    const organization = await findOrganization(em, parsed.organization);
    if (!organization) {
      say(`no organization with slug "${parsed.organization}"`);
      return 2;
    }
    const started = Date.now();
    const code = await run(parsed, em, organization.id, logger, say);
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return code;
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    say(error.message);
    return 1;
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
}

async function run(
  parsed: DataCommand,
  em: EntityManager,
  organizationId: number,
  logger: Logger,
  say: (message: string) => void,
): Promise<number> {
  if (parsed.command === 'seed-demo') {
    const options = { logger, days: parsed.days, endDate: parsed.endDate };
    const summary = await seedDemo(em.fork(), organizationId, options);
    say(Object.entries(summary).map(([name, value]) => `${name} ${value}`).join(', '));
    return 0;
  }
  if (parsed.command === 'rebuild') {
    // Under the organization's write lock throughout (writers wait); its steps run in parallel sessions (warehouse/rebuild.ts).
    await rebuildOrganizationFacts(em.fork(), organizationId);
    say('every FCR flag, survey and QA tally and rollup derived afresh from the stored contacts, answers, evaluations and activity');
    return 0;
  }
  const options = { skipInvalid: parsed.skipInvalid, batchSize: parsed.batchSize, progress: say };
  const summary =
    parsed.kind === 'contacts'
      ? await importContactsCsv(em, organizationId, parsed.file, options)
      : parsed.kind === 'activity'
        ? await importActivityCsv(em, organizationId, parsed.file, options)
        : await importAnonymousBank(em, organizationId, parsed.file, { ...options, timeZone: parsed.timeZone });
  for (const line of describeImport(summary)) say(line);
  return summary.rejected > 0 ? 1 : 0;
}

/** The named organization, or the default one (created if needed) when none is named. */
async function findOrganization(em: EntityManager, slug: string | undefined): Promise<Organization | null> {
  return slug ? em.findOne(Organization, { slug }) : ensureDefaultOrganization(em);
}
