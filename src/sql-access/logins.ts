import { randomBytes } from 'node:crypto';

/**
 * Names and secrets of the read-only PostgreSQL logins made for BI tools. Pure
 * (randomness aside). Roles are cluster-wide, so a name carries the organization
 * and 48 random bits: readable in pg_stat_activity, never guessed or reused.
 */

/** A login's name: `callpulse_bi_<organization>_<12 hex>`, well under PostgreSQL's 63 bytes. */
export function newLoginName(organizationId: number, random: Buffer = randomBytes(6)): string {
  return `callpulse_bi_${organizationId}_${random.toString('hex')}`;
}

export const LOGIN_NAME = /^callpulse_bi_\d{1,10}_[0-9a-f]{12}$/;

/** 32 characters of base64url: 192 bits, no character a connection string must escape but "-" and "_". */
export function newLoginPassword(random: Buffer = randomBytes(24)): string {
  return random.toString('base64url');
}

/** A double-quoted SQL identifier (DDL takes no bind parameters). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL literal, standard_conforming_strings on (PostgreSQL's default since 9.1). */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('a SQL literal cannot hold NUL');
  return `'${text.replaceAll("'", "''")}'`;
}

/** Where BI tools connect: SQL_ACCESS_HOST/SQL_ACCESS_PORT when the server's own address is not theirs, else DATABASE_URL's. */
export function connectionTarget(databaseUrl: string, env: Record<string, string | undefined> = process.env): { host: string; port: number; database: string } {
  const url = new URL(databaseUrl);
  const host = env.SQL_ACCESS_HOST?.trim() || url.hostname || 'localhost';
  const port = Number(env.SQL_ACCESS_PORT?.trim() || url.port || 5432);
  return { host, port, database: decodeURIComponent(url.pathname.slice(1)) };
}
