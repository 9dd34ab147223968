import { throwIfRequestCancelled } from './db-guard';

/**
 * At most `max` pieces of one kind of heavy work at once on this server; the rest
 * wait in line, first come first served. A waiting request whose client has gone
 * does no work when its turn comes (it fails with RequestCancelledError and passes
 * the turn on), so clients that give up cost nothing but their place in line.
 */
export class WorkGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a work gate needs at least 1 place, not ${max}`);
  }

  /** Pieces of work waiting for a place now. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      throwIfRequestCancelled();
      return await work();
    } finally {
      // The place goes straight to the next in line, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
