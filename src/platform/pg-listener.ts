import pg from 'pg';
import type { Logger } from './logger';

export interface PgListener {
  /** Connected and listening now. */
  readonly listening: boolean;
  /** Resolves once listening the first time, or after `ms` (a database away now: the listener keeps trying). */
  ready(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface PgListenerOptions {
  databaseUrl: string;
  channels: readonly string[];
  onNotice(channel: string, payload: string): void;
  /** Called on each (re)connection once listening: notices sent while disconnected are lost. */
  onListening?(): void;
  logger: Logger;
  /** Waits between reconnection attempts: doubled each time from `minRetryMs` up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * PostgreSQL LISTEN on a dedicated connection (never a pooled one: a pooled
 * connection goes back to others, and its LISTENs with it). A lost connection is
 * made again, with growing waits, for as long as the listener is open.
 */
export function listenToPostgres(options: PgListenerOptions): PgListener {
  const minRetry = options.minRetryMs ?? 500;
  const maxRetry = options.maxRetryMs ?? 10_000;
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let retryMs = minRetry;
  let timer: NodeJS.Timeout | null = null;
  let firstListening!: () => void;
  const listeningOnce = new Promise<void>((resolve) => (firstListening = resolve));

  const connect = async () => {
    timer = null;
    if (closed) return;
    const next = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = next;
    next.on('notification', (message) => {
      if (message.payload !== undefined) options.onNotice(message.channel, message.payload);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, null));
    try {
      await next.connect();
      for (const channel of options.channels) await next.query(`listen ${pg.escapeIdentifier(channel)}`);
      if (closed || client !== next) return;
      listening = true;
      retryMs = minRetry;
      firstListening();
      options.onListening?.();
    } catch (error) {
      lost(next, error);
    }
  };

  const lost = (which: pg.Client, error: unknown) => {
    if (client !== which) return;
    client = null;
    listening = false;
    which.end().catch(() => undefined);
    if (closed) return;
    options.logger.warn({ err: error, retryInMs: retryMs }, 'lost the database connection that listens for notices; connecting again');
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(maxRetry, retryMs * 2);
  };

  void connect();
  return {
    get listening() {
      return listening;
    },
    ready: (ms) => Promise.race([listeningOnce, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      listening = false;
      await current?.end().catch(() => undefined);
    },
  };
}
