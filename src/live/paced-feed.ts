/** A value as read, and what identifies it: equal keys, equal values. */
export interface Reading<T> {
  value: T;
  key: string;
}

export interface PacedFeedOptions<T> {
  /** The value as read when the feed opened: sent first, at once. */
  first: Reading<T>;
  /** Reads the value again (after a poke). */
  read: () => Promise<Reading<T>>;
  /** At most one value per this many milliseconds. */
  minIntervalMs: number;
  /** After a failed read, wait this long before reading again. */
  retryAfterMs?: number;
  onError?: (error: unknown) => void;
  /** Told once, when the consumer stops (return) or the feed is closed. */
  onClose?: () => void;
}

/**
 * An async iterator of a value that changes now and then: it sends the first
 * reading at once, then, after each poke (something the value depends on may
 * have changed), reads it again and sends it when it differs from the last one
 * sent. Pokes that arrive while waiting or reading coalesce into one more read,
 * and sends are at least `minIntervalMs` apart, so a burst of changes costs one
 * read and one message per interval, and the last change is never missed.
 *
 * Hand-written rather than an async generator: a generator parked on an await
 * cannot be stopped by return(), so a socket closing would leave it waiting.
 */
export class PacedFeed<T> implements AsyncIterableIterator<T> {
  private dirty = false;
  private closed = false;
  private sentFirst = false;
  private lastKey: string;
  private lastSentAt = 0;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: PacedFeedOptions<T>) {
    this.lastKey = options.first.key;
  }

  /** Something the value depends on may have changed. */
  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (!this.sentFirst) {
      this.sentFirst = true;
      this.lastSentAt = Date.now();
      return { value: this.options.first.value, done: false };
    }
    while (!this.closed) {
      if (!this.dirty) {
        await this.until(null);
        continue;
      }
      const wait = this.lastSentAt + this.options.minIntervalMs - Date.now();
      if (wait > 0) {
        await this.until(wait);
        continue;
      }
      this.dirty = false;
      let reading: Reading<T>;
      try {
        reading = await this.options.read();
      } catch (error) {
        this.options.onError?.(error);
        this.dirty = true;
        await this.until(this.options.retryAfterMs ?? 5_000, false);
        continue;
      }
      if (this.closed || reading.key === this.lastKey) continue;
      this.lastKey = reading.key;
      this.lastSentAt = Date.now();
      return { value: reading.value, done: false };
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** Ends the feed: a pending next() answers done. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.options.onClose?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Waits for a poke or close, or also for `ms` to pass; `pokeWakes` false: only time or close end the wait. */
  private until(ms: number | null, pokeWakes = true): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.wake = null;
        resolve();
      };
      this.wake = pokeWakes ? done : () => (this.closed ? done() : undefined);
      if (ms !== null) this.timer = setTimeout(done, ms);
    });
  }
}
