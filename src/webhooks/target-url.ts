import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { FieldProblem } from '../platform/errors';

export const MAX_URL_LENGTH = 2_048;

/** The URL's problems as a webhook target: http or https, a host, no credentials, at most MAX_URL_LENGTH characters. */
export function urlProblems(raw: string, field = 'url'): FieldProblem[] {
  const problem = (rule: string, message: string) => [{ field, rule, message }];
  if (raw.length > MAX_URL_LENGTH) return problem('TOO_LONG', `must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem('NOT_A_URL', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem('NOT_HTTP', `must use http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) return problem('CREDENTIALS', 'must not carry a user name or password');
  return [];
}

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE=1: the server's
 * own loopback, the unspecified address (which reaches it too) and link-local
 * (cloud metadata services live there).
 */
export function isForbiddenAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  const v6 = address.toLowerCase();
  return v6 === '::1' || v6 === '::' || /^fe[89ab]/.test(v6);
}

/** The host's addresses that a webhook may not reach (empty: it may); a host that does not resolve is not refused here. */
export async function forbiddenAddressesOf(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return isForbiddenAddress(bare) ? [bare] : [];
  if (bare === 'localhost' || bare.endsWith('.localhost')) return [bare];
  try {
    const found = await lookup(bare, { all: true, verbatim: true });
    return found.map((a) => a.address).filter(isForbiddenAddress);
  } catch {
    return [];
  }
}
