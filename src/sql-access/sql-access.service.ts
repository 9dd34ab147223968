import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { Principal } from '../org/auth';
import { badUserInput } from '../platform/errors';
import { connectionTarget, newLoginName, newLoginPassword, quoteIdentifier, quoteLiteral } from './logins';
import type { SqlAccessView } from './sql-access.types';

/**
 * SQL access for BI tools (API.md "Exports, the dashboard page and SQL access").
 * A login is a PostgreSQL role with LOGIN and nothing else: USAGE on schema
 * `reporting` and SELECT on its views, which show only the organization that
 * table `sql_access` maps the role to (migration 20261204150000). It reads no
 * table and can write nothing: no privilege allows it, and its sessions start
 * read-only besides. Roles are made in the request's transaction with their
 * grants and mapping, so a failure leaves no half-made login.
 */

export const REPORTING_SCHEMA = 'reporting';
/** Active logins per organization: each is a role in the cluster, and each may hold connections. */
export const MAX_SQL_LOGINS = 10;
/** Connections one login may hold at once (a BI tool's pool). */
export const LOGIN_CONNECTION_LIMIT = 5;
/** statement_timeout of a login's sessions: a dashboard's query, not a batch job. */
export const LOGIN_STATEMENT_TIMEOUT = '60s';

export class SqlAccessService {
  constructor(private readonly em: EntityManager) {}

  async create(principal: Principal): Promise<SqlAccessView> {
    const knex = this.em.getConnection().getKnex();
    const databaseUrl = this.em.config.get('clientUrl')!;
    return knex.transaction(async (trx) => {
      const { rows: [me] } = await trx.raw<{ rows: Array<{ name: string; may: boolean; database: string }> }>(
        'select current_user as name, rolsuper or rolcreaterole as may, current_database() as database from pg_roles where rolname = current_user',
      );
      if (!me!.may) throw cannotCreateRoles(me!.name);
      // One organization's logins are counted and made one at a time.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?), ?)', ['sql_access', principal.organizationId]);
      const { rows: [count] } = await trx.raw<{ rows: Array<{ n: number }> }>(
        'select count(*)::int as n from sql_access where organization_id = ?',
        [principal.organizationId],
      );
      if (count!.n >= MAX_SQL_LOGINS) {
        throw badUserInput(`createSqlAccess: at most ${MAX_SQL_LOGINS} SQL logins per organization; revoke one first (revokeSqlAccess)`, [
          { field: 'createSqlAccess', rule: 'TOO_MANY_LOGINS', message: `at most ${MAX_SQL_LOGINS} per organization` },
        ]);
      }
      const username = newLoginName(principal.organizationId);
      const password = newLoginPassword();
      const role = quoteIdentifier(username);
      try {
        await trx.raw(
          `create role ${role} login password ${quoteLiteral(password)} nosuperuser nocreatedb nocreaterole noinherit ` +
            `noreplication nobypassrls connection limit ${LOGIN_CONNECTION_LIMIT}`,
        );
      } catch (error) {
        if ((error as { code?: string }).code === '42501') throw cannotCreateRoles(me!.name);
        throw error;
      }
      for (const setting of [
        `default_transaction_read_only = on`,
        `statement_timeout = '${LOGIN_STATEMENT_TIMEOUT}'`,
        `search_path = ${REPORTING_SCHEMA}`,
      ]) {
        await trx.raw(`alter role ${role} set ${setting}`);
      }
      await trx.raw(`grant usage on schema ${REPORTING_SCHEMA} to ${role}`);
      await trx.raw(`grant select on all tables in schema ${REPORTING_SCHEMA} to ${role}`);
      // PUBLIC may connect by default; where an administrator revoked that, only the database's owner can grant it.
      await optional(trx, `grant connect on database ${quoteIdentifier(me!.database)} to ${role}`);
      await trx.raw('insert into sql_access (username, organization_id, created_by_api_key_id) values (?, ?, ?)', [
        username,
        principal.organizationId,
        principal.apiKeyId,
      ]);
      return { username, password, ...connectionTarget(databaseUrl), schema: REPORTING_SCHEMA };
    });
  }

  /** Drops the login: its sessions see no row from the commit on, and are ended. False never: unknown names are refused. */
  async revoke(principal: Principal, username: string): Promise<boolean> {
    const knex = this.em.getConnection().getKnex();
    const sessions = await knex.transaction(async (trx) => {
      const { rows } = await trx.raw<{ rows: unknown[] }>(
        'delete from sql_access where username = ? and organization_id = ? returning username',
        [username, principal.organizationId],
      );
      if (rows.length === 0) {
        throw badUserInput(`username: no SQL access named "${username}" in this organization`, [
          { field: 'username', rule: 'NOT_FOUND', message: 'names no SQL access of this organization' },
        ]);
      }
      const role = quoteIdentifier(username);
      const { rows: pids } = await trx.raw<{ rows: Array<{ pid: number }> }>(
        'select pid from pg_stat_activity where usename = ?',
        [username],
      );
      await trx.raw(`alter role ${role} nologin`);
      await trx.raw(`revoke all on all tables in schema ${REPORTING_SCHEMA} from ${role}`);
      await trx.raw(`revoke all on schema ${REPORTING_SCHEMA} from ${role}`);
      const { rows: [db] } = await trx.raw<{ rows: Array<{ name: string }> }>('select current_database() as name');
      await optional(trx, `revoke all on database ${quoteIdentifier(db!.name)} from ${role}`);
      await trx.raw(`drop role ${role}`);
      return pids.map((p) => p.pid);
    });
    // Ended after the commit (a session already sees nothing); needs membership or pg_signal_backend, so best effort.
    for (const pid of sessions) await knex.raw('select pg_terminate_backend(?)', [pid]).catch(() => undefined);
    return true;
  }
}

/** A statement that may be refused for lack of privilege, in a savepoint so the transaction goes on. */
async function optional(trx: Knex.Transaction, statement: string): Promise<void> {
  try {
    await trx.transaction(async (savepoint) => void (await savepoint.raw(statement)));
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
  }
}

export function cannotCreateRoles(user: string): GraphQLError {
  return new GraphQLError(
    `SQL access needs a database user that may create roles, and the server's database user "${user}" may not: ` +
      `run ALTER ROLE ${quoteIdentifier(user)} CREATEROLE as a superuser, or start the server with a DATABASE_URL whose user has CREATEROLE`,
    { extensions: { code: 'SQL_ACCESS_UNAVAILABLE', databaseUser: user } },
  );
}
