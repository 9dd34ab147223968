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
