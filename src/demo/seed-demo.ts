import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../platform/logger';

export interface DemoSummary { contacts: number }

// Placeholder until the generator lands (same commit series).
export async function seedDemo(_em: EntityManager, _organizationId: number, _options: { logger: Logger }): Promise<DemoSummary> {
  return { contacts: 0 };
}
