import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * `items.map(fn)` in chunks, yielding to the event loop between them, so a batch of
 * 10,000 does not hold it for tens of milliseconds (health checks and other
 * requests are answered in between).
 */
export async function mapYielding<T, U>(items: readonly T[], fn: (item: T, index: number) => U, chunk = 1_000): Promise<U[]> {
  const out: U[] = new Array(items.length);
  for (let i = 0; i < items.length; i += chunk) {
    if (i > 0) await nextTurn();
    const end = Math.min(items.length, i + chunk);
    for (let j = i; j < end; j++) out[j] = fn(items[j]!, j);
  }
  return out;
}
