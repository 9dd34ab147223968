import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedFeed } from '../../../src/live/paced-feed';

/** A feed over a counter that the test changes; `reads` counts the reads. */
function feedOver(state: { value: number }, minIntervalMs = 1_000) {
  const reads = { n: 0 };
  const feed = new PacedFeed({
    first: { value: state.value, key: String(state.value) },
    read: async () => {
      reads.n++;
      return { value: state.value, key: String(state.value) };
    },
    minIntervalMs,
  });
  return { feed, reads };
}

describe(PacedFeed.name, () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first reading at once', async () => {
    const { feed } = feedOver({ value: 1 });
    expect(await feed.next()).toEqual({ value: 1, done: false });
  });

  it('coalesces a burst of pokes into one read and one message, no sooner than the interval after the last one', async () => {
    const state = { value: 1 };
    const { feed, reads } = feedOver(state);
    await feed.next();
    const second = feed.next();
    let got: IteratorResult<number> | null = null;
    void second.then((r) => (got = r));
    for (let i = 2; i <= 6; i++) {
      state.value = i;
      feed.poke();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(got).toBeNull(); // 500 ms after the first message: not yet
    await vi.advanceTimersByTimeAsync(500);
    expect(got).toEqual({ value: 6, done: false });
    expect(reads.n).toBe(1);
  });

  it('sends nothing when a poke finds the same value', async () => {
    const state = { value: 1 };
    const { feed, reads } = feedOver(state);
    await feed.next();
    let got: IteratorResult<number> | null = null;
    void feed.next().then((r) => (got = r));
    feed.poke();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reads.n).toBe(1);
    expect(got).toBeNull();
    state.value = 2;
    feed.poke();
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual({ value: 2, done: false });
  });

  it('reads again after a change that arrived during a read, so the last change is never missed', async () => {
    const state = { value: 1 };
    let release: () => void = () => undefined;
    const reads: number[] = [];
    const feed = new PacedFeed({
      first: { value: 1, key: '1' },
      read: async () => {
        const seen = state.value;
        reads.push(seen);
        if (reads.length === 1) await new Promise<void>((r) => (release = r)); // the first read is slow
        return { value: seen, key: String(seen) };
      },
      minIntervalMs: 1_000,
    });
    await feed.next();
    const values: number[] = [];
    const consume = (async () => {
      for await (const v of feed) values.push(v);
    })();
    state.value = 2;
    feed.poke();
    await vi.advanceTimersByTimeAsync(1_000);
    state.value = 3;
    feed.poke(); // while the first read runs
    release();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(values).toEqual([2, 3]);
    feed.close();
    await consume;
  });

  it('answers done to a pending next() when closed, and tells onClose once', async () => {
    const onClose = vi.fn();
    const feed = new PacedFeed({ first: { value: 1, key: '1' }, read: async () => ({ value: 2, key: '2' }), minIntervalMs: 1_000, onClose });
    await feed.next();
    const pending = feed.next();
    await feed.return();
    feed.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('reads again after a failed read, later', async () => {
    const state = { fail: true };
    const onError = vi.fn();
    const feed = new PacedFeed({
      first: { value: 1, key: '1' },
      read: async () => {
        if (state.fail) throw new Error('database away');
        return { value: 2, key: '2' };
      },
      minIntervalMs: 1_000,
      retryAfterMs: 3_000,
      onError,
    });
    await feed.next();
    let got: IteratorResult<number> | null = null;
    void feed.next().then((r) => (got = r));
    feed.poke();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onError).toHaveBeenCalledTimes(1);
    state.fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(got).toBeNull();
    await vi.advanceTimersByTimeAsync(1_100);
    expect(got).toEqual({ value: 2, done: false });
  });
});
