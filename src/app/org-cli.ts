import type { Config } from '../platform/config';
import { createLogger, type Logger } from '../platform/logger';
import { openDatabase } from './app';
import { OrganizationNameError } from '../org/organization-name';
import { createOrganization, DuplicateOrganizationError, listOrganizations } from '../org/organizations.operator';

const USAGE = 'usage: org create "<name>" | org list';

/**
 * `org create "<name>"`: creates an organization and prints its first ADMIN key
 * on stdout (alone on its line, for scripts), what was made on stderr.
 * `org list`: id, slug, name, created, active keys — tab-separated, with a header.
 * Exit codes: 0 done, 2 usage error, bad name or duplicate name.
 * The database is DATABASE_URL's or the embedded one, as for `migrate`.
 */
export async function runOrgCommand(args: string[], config: Config, logger: Logger): Promise<number> {
  const say = (message: string) => process.stderr.write(`org: ${message}\n`);
  const [action, ...rest] = args;
  if (!((action === 'create' && rest.length === 1) || (action === 'list' && rest.length === 0))) {
    say(action === 'create' ? `create takes exactly one name (quote it), got ${rest.length}; ${USAGE}` : USAGE);
    return 2;
  }
  // info lines (migrations applied) would mix with the key on stdout; LOG_LEVEL=debug still shows them
  const quiet = config.logLevel === 'info' ? createLogger('warn') : logger;
  const { orm, embedded } = await openDatabase(config, quiet);
  try {
    if (action === 'list') {
      const rows = await listOrganizations(orm.em);
      const lines = [['id', 'slug', 'name', 'created', 'active_keys'], ...rows.map((o) => [o.id, o.slug, o.name, o.createdAt.toISOString(), o.activeKeys])];
      process.stdout.write(lines.map((line) => line.join('\t')).join('\n') + '\n');
      return 0;
    }
    const created = await createOrganization(orm.em, rest[0]!);
    say(`created organization ${created.id} "${created.name}" (slug ${created.slug}); its first ADMIN key, shown once (only its hash is stored):`);
    process.stdout.write(`${created.adminKey}\n`);
    return 0;
  } catch (error) {
    if (error instanceof OrganizationNameError || error instanceof DuplicateOrganizationError) {
      say(error.message);
      return 2;
    }
    throw error;
  } finally {
    await orm.close(true);
    await embedded?.stop();
  }
}
