import type { EntityManager } from '@mikro-orm/postgresql';
import type { FactChange } from './deltas';

/** Work that must commit or roll back with a write: run inside its transaction, right after its rollups are updated. */
export type UpkeepHook = (em: EntityManager, change: FactChange) => Promise<unknown>;

const hooks = new Map<string, { hook: UpkeepHook; onError: (error: unknown) => void }>();

/**
 * Registers a hook by name (registering the name again replaces it): a higher
 * module's work that belongs in every writer's transaction (the SLA alerts'
 * outbox), without the writers knowing it.
 */
export function onUpkeep(name: string, hook: UpkeepHook, onError: (error: unknown) => void): void {
  hooks.set(name, { hook, onError });
}

/**
 * Runs the hooks inside the writer's transaction, each behind a savepoint: a
 * hook that fails is undone and reported, and the write goes on without it.
 */
export async function runUpkeepHooks(em: EntityManager, change: FactChange): Promise<void> {
  for (const { hook, onError } of hooks.values()) {
    await em.execute('savepoint upkeep_hook');
    try {
      await hook(em, change);
      await em.execute('release savepoint upkeep_hook');
    } catch (error) {
      await em.execute('rollback to savepoint upkeep_hook');
      onError(error);
    }
  }
}
