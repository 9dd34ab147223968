import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Survey tokens: an HMAC-SHA256 under a server secret of a random 128-bit salt
 * kept with the invitation. Only the token's SHA-256 is stored, yet re-inviting a
 * contact can hand out the same token again (salt + secret), and a database dump
 * without the secret yields no usable token when SURVEY_TOKEN_SECRET is set.
 */

const PREFIX = 'sv_';
const TOKEN = /^sv_[A-Za-z0-9_-]{43}$/;
const SECRET_NAME = 'survey-token';

export const newSalt = (): string => randomBytes(16).toString('base64url');

export function surveyToken(secret: string, salt: string): string {
  return PREFIX + createHmac('sha256', secret).update(`survey-invitation:${salt}`).digest('base64url');
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether a string has the shape of a token this server issues (anything else is refused unread). */
export const isTokenShaped = (token: string): boolean => TOKEN.test(token);

/**
 * The token secret: SURVEY_TOKEN_SECRET when set; else one generated on first use
 * and kept in the database, so tokens survive restarts.
 */
export async function surveyTokenSecret(em: EntityManager, env: Record<string, string | undefined> = process.env): Promise<string> {
  const configured = env.SURVEY_TOKEN_SECRET;
  if (configured) return configured;
  const rows: Array<{ value: string }> = await em.execute(
    `with created as (
       insert into server_secret (name, value) values (?, ?) on conflict (name) do nothing returning value)
     select value from created union all select value from server_secret where name = ?`,
    [SECRET_NAME, randomBytes(32).toString('base64url'), SECRET_NAME],
  );
  return rows[0]!.value;
}
