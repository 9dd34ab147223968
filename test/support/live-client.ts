import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Pushed<T = any> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

/** A graphql-ws client of the server at `httpUrl` (its /graphql URL), with the key in connection_init. */
export interface LiveClient {
  client: Client;
  /** The socket's close, when the server closed it. */
  closed: Promise<{ code: number; reason: string }>;
  /** Subscribes; every message lands in `messages`, `next(n)` waits for the n-th (1-based). */
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): LiveSubscription<T>;
  dispose(): Promise<void>;
}

export interface LiveSubscription<T> {
  messages: Array<Pushed<T>>;
  /** When each message arrived (performance.now()), by index. */
  receivedAt: number[];
  /** Resolves with the n-th message (1-based), or rejects after timeoutMs. */
  nth(n: number, timeoutMs?: number): Promise<Pushed<T>>;
  completed: Promise<void>;
  unsubscribe(): void;
}

export function openLiveClient(httpUrl: string, key: string | null): LiveClient {
  let onClosed!: (c: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: key === null ? {} : { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event: any) => onClosed({ code: event.code, reason: String(event.reason) }) },
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables?: Record<string, unknown>) {
      const messages: Array<Pushed<T>> = [];
      const receivedAt: number[] = [];
      const waiters: Array<() => void> = [];
      let done!: () => void;
      const completed = new Promise<void>((resolve) => (done = resolve));
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (message) => {
            receivedAt.push(performance.now());
            messages.push(message as Pushed<T>);
            for (const w of waiters.splice(0)) w();
          },
          error: (error: any) => {
            messages.push({ errors: Array.isArray(error) ? error : [{ message: String(error?.message ?? error) }] });
            for (const w of waiters.splice(0)) w();
            done();
          },
          complete: () => done(),
        },
      );
      return {
        messages,
        receivedAt,
        completed,
        unsubscribe,
        async nth(n, timeoutMs = 15_000) {
          const deadline = Date.now() + timeoutMs;
          while (messages.length < n) {
            if (Date.now() > deadline) throw new Error(`message ${n} did not come within ${timeoutMs} ms (got ${messages.length})`);
            await new Promise<void>((resolve) => {
              waiters.push(resolve);
              setTimeout(resolve, 100);
            });
          }
          return messages[n - 1]!;
        },
      };
    },
    dispose: async () => client.dispose(),
  };
}
