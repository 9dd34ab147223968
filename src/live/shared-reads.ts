/**
 * Reads of one report shared by every subscription that shows it: identical
 * queries (same organization, document, variables) cost one read per change,
 * however many wallboards display them.
 *
 * Time is counted in notices: `clock()` rises with every notice of changed facts
 * the server hears. A read started at clock c reflects every write whose notice
 * was heard by then (the notice comes after the commit). A subscription poked at
 * clock p needs a read started at p or later: the newest read of its shape
 * serves it if it started late enough, finished or still running; otherwise a
 * new read starts (and serves the others poked by the same notice).
 */
export class SharedReads<T> {
  private readonly shapes = new Map<string, { users: number; latest: { startedAt: number; reading: Promise<T> } | null }>();

  constructor(private readonly clock: () => number) {}

  /** A subscription of this shape opens; returns its leaving (the shape is forgotten with its last user). */
  join(shape: string): () => void {
    const entry = this.shapes.get(shape) ?? { users: 0, latest: null };
    entry.users++;
    this.shapes.set(shape, entry);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--entry.users === 0 && this.shapes.get(shape) === entry) this.shapes.delete(shape);
    };
  }

  /** The shape's value as of clock `since` or later: the newest read if it started then, else `read()` started now. */
  read(shape: string, since: number, read: () => Promise<T>): Promise<T> {
    const entry = this.shapes.get(shape);
    if (entry?.latest && entry.latest.startedAt >= since) return entry.latest.reading;
    const latest = { startedAt: this.clock(), reading: read() };
    if (entry) {
      entry.latest = latest;
      // A failed read serves nobody later: the next asks again.
      latest.reading.catch(() => {
        if (entry.latest === latest) entry.latest = null;
      });
    }
    return latest.reading;
  }

  /** Shapes in use, and reads kept (for tests and /healthz). */
  get size(): number {
    return this.shapes.size;
  }
}
