import type { Logger } from './logger';

export type EventHandler<Payload> = (payload: Payload) => unknown;

/**
 * Typed in-process events, told after a write has committed, never inside its
 * transaction: a module that must act on another's writes (survey invitations
 * for new contacts, later the wallboards and webhooks) registers a handler
 * instead of being called from the writer. Handlers run one after the other in
 * the order they were registered; one that fails is logged and does not stop
 * the others, nor fail the write, which has committed.
 */
export class EventBus<Events extends { [Name in keyof Events]: unknown }> {
  private readonly handlers = new Map<keyof Events, EventHandler<never>[]>();

  constructor(private readonly logger?: Logger) {}

  on<Name extends keyof Events>(name: Name, handler: EventHandler<Events[Name]>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler as EventHandler<never>]);
  }

  async emit<Name extends keyof Events>(name: Name, payload: Events[Name]): Promise<void> {
    for (const handler of (this.handlers.get(name) ?? []) as EventHandler<Events[Name]>[]) {
      try {
        await handler(payload);
      } catch (error) {
        this.logger?.error({ event: String(name), err: error }, 'an event handler failed; the write it follows has committed');
      }
    }
  }
}
