import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from './logger';

/**
 * Counters per minute shared by every server instance on one database
 * (rate-limiter-flexible's PostgreSQL store, table `rate_limit`, migration
 * 20261204130000), with an in-memory stand-in while the database does not answer:
 * the limits then hold per instance instead of across them, and no request waits
 * for, or fails because of, the counters.
 */

export interface Count {
  /** False when this request is over the limit. */
  allowed: boolean;
  limit: number;
  /** What is left of the limit in the current window (0 when over it). */
  remaining: number;
  /** Milliseconds until the window ends and the count starts again. */
  msBeforeReset: number;
}

/** One limit, e.g. "600 requests per API key per minute". */
export interface Counter {
  readonly limit: number;
  /** Counts `points` for `key` and says whether that stayed within the limit. */
  consume(key: string, points?: number): Promise<Count>;
  /** Whether `key` has used up its limit, without counting anything. */
  exhausted(key: string): Promise<Count>;
}

export interface SharedCountersOptions {
  databaseUrl: string;
  logger: Logger;
  /** How long a failed database stays unused before it is asked again. */
  retryStoreAfterMs?: number;
}

export const RATE_LIMIT_TABLE = 'rate_limit';
const WINDOW_SECONDS = 60;
/** Rows whose window ended more than this ago are deleted by the sweep. */
const SWEEP_EVERY_MS = 5 * 60_000;

export class SharedCounters {
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly retryStoreAfterMs: number;
  /** While set and in the future, counters use their in-memory stand-ins. */
  private storeDownUntil = 0;
  private readonly sweep: NodeJS.Timeout;

  constructor(options: SharedCountersOptions) {
    this.logger = options.logger;
    this.retryStoreAfterMs = options.retryStoreAfterMs ?? 5_000;
    // Its own small pool: counting never waits behind reports for one of the ORM's connections,
    // and bounded waits make a dead database cost a request at most about a second, once.
    this.pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 4,
      application_name: 'callpulse rate limits',
      connectionTimeoutMillis: 1_000,
      query_timeout: 1_000,
      statement_timeout: 1_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // An idle connection dropped by a database restart must not become an uncaught error.
    this.pool.on('error', (error) => this.storeFailed(error));
    this.sweep = setInterval(() => void this.deleteExpired(), SWEEP_EVERY_MS);
    this.sweep.unref();
  }

  /** A counter of `limit` points per minute per key; `name` keeps its keys apart from other counters'. */
  counter(name: string, limit: number): Counter {
    const options = { keyPrefix: name, points: limit, duration: WINDOW_SECONDS };
    const store = new RateLimiterPostgres({
      ...options,
      storeClient: this.pool,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true, // by the migration: an instance never runs DDL at start
      clearExpiredByTimeout: false, // one sweep for all counters, stopped by close()
      // A key over its limit is refused from memory until its window ends: a flood from one
      // key costs the database one statement per request only up to the limit.
      inMemoryBlockOnConsumed: limit,
    });
    const memory = new RateLimiterMemory(options);
    return {
      limit,
      consume: (key, points = 1) =>
        this.use(
          () => store.consume(key, points),
          () => memory.consume(key, points),
          limit,
        ),
      exhausted: async (key) => {
        const blockedMs = (store as unknown as InMemoryBlocks).getInMemoryBlockMsBeforeExpire(store.getKey(key));
        if (blockedMs > 0) return { allowed: false, limit, remaining: 0, msBeforeReset: blockedMs };
        const current = await this.use(
          () => store.get(key),
          () => memory.get(key),
          limit,
        );
        return { ...current, allowed: current.remaining > 0 };
      },
    };
  }

  /** Stops the sweep and closes the pool. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    await this.pool.end();
  }

  private async use(
    fromStore: () => Promise<RateLimiterRes | null>,
    fromMemory: () => Promise<RateLimiterRes | null>,
    limit: number,
  ): Promise<Count> {
    if (Date.now() >= this.storeDownUntil) {
      try {
        const result = toCount(await settle(fromStore()), limit);
        if (this.storeDownUntil !== 0) {
          this.storeDownUntil = 0;
          this.logger.info('rate limits: the database answers again; counts are shared across instances again');
        }
        return result;
      } catch (error) {
        this.storeFailed(error);
      }
    }
    return toCount(await settle(fromMemory()), limit);
  }

  private storeFailed(error: unknown): void {
    const wasUp = this.storeDownUntil === 0;
    this.storeDownUntil = Date.now() + this.retryStoreAfterMs;
    if (wasUp) {
      this.logger.warn(
        { err: { message: (error as Error)?.message, code: (error as { code?: string })?.code } },
        'rate limits: the database does not answer; counting in this instance only until it does',
      );
    }
  }

  private async deleteExpired(): Promise<void> {
    if (Date.now() < this.storeDownUntil) return;
    try {
      await this.pool.query(`delete from ${RATE_LIMIT_TABLE} where expire < $1`, [Date.now() - WINDOW_SECONDS * 1000]);
    } catch (error) {
      this.storeFailed(error);
    }
  }
}

/** A public method of rate-limiter-flexible's store limiters that its types leave out. */
interface InMemoryBlocks {
  getInMemoryBlockMsBeforeExpire(rlKey: string): number;
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit: an answer, not a failure. */
async function settle(promise: Promise<RateLimiterRes | null>): Promise<{ res: RateLimiterRes | null; over: boolean }> {
  try {
    return { res: await promise, over: false };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { res: error, over: true };
    throw error;
  }
}

function toCount({ res, over }: { res: RateLimiterRes | null; over: boolean }, limit: number): Count {
  if (!res) return { allowed: true, limit, remaining: limit, msBeforeReset: 0 }; // get(): nothing counted yet
  return { allowed: !over, limit, remaining: over ? 0 : res.remainingPoints, msBeforeReset: Math.max(res.msBeforeNext, 0) };
}
