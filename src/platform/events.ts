import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger';

export type EventHandler<Payload> = (payload: Payload) => unknown;

/** How a handler runs: awaited by the writer (default), or detached from it. */
export interface HandlerOptions {
  /**
   * Run after the writer's emit returns, outside the writer's request: its
   * statements are not the request's (a client that disconnects cancels the
   * request's statements, not these), and the writer does not wait for it.
   */
  detached?: boolean;
}

interface Registered {
  handler: EventHandler<never>;
  detached: boolean;
}

/**
 * Typed in-process events, told after a write has committed, never inside its
 * transaction: a module that must act on another's writes (survey invitations
 * for new contacts, later the wallboards and webhooks) registers a handler
 * instead of being called from the writer. Handlers run one after the other in
 * the order they were registered, detached ones after the emit has returned; one
 * that fails is logged and does not stop the others, nor fail the write, which
 * has committed.
 */
export class EventBus<Events extends { [Name in keyof Events]: unknown }> {
  private readonly handlers = new Map<keyof Events, Registered[]>();
  /** The async context the bus was made in (start-up, no request's): detached handlers run in it. */
  private readonly outside = AsyncLocalStorage.snapshot();
  private readonly detachedRuns = new Set<Promise<void>>();

  constructor(private readonly logger?: Logger) {}

  on<Name extends keyof Events>(name: Name, handler: EventHandler<Events[Name]>, options: HandlerOptions = {}): void {
    const registered = { handler: handler as EventHandler<never>, detached: options.detached === true };
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), registered]);
  }

  async emit<Name extends keyof Events>(name: Name, payload: Events[Name]): Promise<void> {
    const all = this.handlers.get(name) ?? [];
    const detached = all.filter((h) => h.detached);
    if (detached.length > 0) {
      // One chain per emit, started on the next turn outside the writer's context: in order, never awaited by the writer.
      const run = this.outside(() =>
        new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
          for (const { handler } of detached) await this.run(name, handler as EventHandler<Events[Name]>, payload);
        }),
      );
      this.detachedRuns.add(run);
      void run.finally(() => this.detachedRuns.delete(run));
    }
    for (const { handler } of all.filter((h) => !h.detached)) await this.run(name, handler as EventHandler<Events[Name]>, payload);
  }

  /** Resolves once every detached handler started so far has finished (a clean stop waits for them; so can a test). */
  async settled(): Promise<void> {
    while (this.detachedRuns.size > 0) await Promise.all([...this.detachedRuns]);
  }

  private async run<Payload>(name: keyof Events, handler: EventHandler<Payload>, payload: Payload): Promise<void> {
    try {
      await handler(payload);
    } catch (error) {
      this.logger?.error({ event: String(name), err: error }, 'an event handler failed; the write it follows has committed');
    }
  }
}
