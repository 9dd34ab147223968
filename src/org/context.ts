import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext, Principal } from './auth';
import type { Logger } from '../platform/logger';
import type { DirectoryLoaders } from './directory.loaders';
import type { DomainEventBus } from './events';
import type { KpiResultCache } from '../platform/kpi-result-cache';

/** Everything a resolver may touch for one request. */
export interface Context extends AuthContext {
  /** A fresh entity manager for this request only. */
  em: EntityManager;
  requestId: string;
  logger: Logger;
  /** The caller's address (client-address.ts), for per-address rate limits. */
  clientAddress: string;
  loaders: DirectoryLoaders;
  /** This server's KPI result cache (none: KPI statements always run). */
  kpiResults?: KpiResultCache | null;
  /** Where writers tell what they committed. */
  events: DomainEventBus;
  principal(): Promise<Principal | null>;
}
