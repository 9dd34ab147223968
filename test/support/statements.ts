import pg from 'pg';
import { vi } from 'vitest';

/** Runs `fn` and returns its result with the text of every SQL statement the pg driver sent meanwhile. */
export async function withStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const result = await fn();
    const statements = spy.mock.calls.map(([query]) => String(typeof query === 'string' ? query : (query as { text?: string }).text));
    return { result, statements };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Statements the server sends on its own, whatever request runs meanwhile: the survey
 * tally sweep (each second), the webhook delivery worker's poll, the API key's lookup
 * (once per few seconds: src/org/verified-keys.ts) and a new pooled connection's session
 * setup. A test counting a request's statements leaves them out.
 */
export const isBackgroundStatement = (text: string): boolean =>
  text.startsWith('set work_mem') || text.includes('from survey_tally_pending') || /\bwebhook/.test(text) || /from "?api_key"?/.test(text);
