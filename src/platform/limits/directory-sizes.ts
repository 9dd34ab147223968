import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * How many of each thing an organization has, for the cost model: a report
 * grouped by AGENT costs what the organization's agents make it cost.
 */
export interface DirectorySizes {
  queues: number;
  teams: number;
  agents: number;
  slaPolicies: number;
  /** The most versions any one policy has. */
  slaVersions: number;
  /** The most targets any one policy version has. */
  slaTargets: number;
}

/** Anonymous requests read nothing of an organization: their lists are empty. */
export const NO_DIRECTORY: DirectorySizes = { queues: 0, teams: 0, agents: 0, slaPolicies: 0, slaVersions: 0, slaTargets: 0 };

const SIZES_SQL = `select
  (select count(*)::int from queue where organization_id = ?) as queues,
  (select count(*)::int from team where organization_id = ?) as teams,
  (select count(*)::int from agent where organization_id = ?) as agents,
  (select count(*)::int from sla_policy where organization_id = ?) as "slaPolicies",
  (select coalesce(max(n), 0)::int from (select count(*) as n from sla_policy_version where organization_id = ? group by policy_id) v) as "slaVersions",
  (select coalesce(max(jsonb_array_length(definition -> 'targets')), 0)::int from sla_policy_version where organization_id = ?) as "slaTargets"`;

/**
 * Directory sizes per organization, read at most once per `ttlMs` (one small
 * statement on indexed columns); concurrent requests share one read.
 */
export class DirectorySizeCache {
  private readonly entries = new Map<number, { readAt: number; sizes: Promise<DirectorySizes> }>();

  constructor(
    private readonly em: () => EntityManager,
    private readonly ttlMs = 30_000,
  ) {}

  sizes(organizationId: number): Promise<DirectorySizes> {
    const now = Date.now();
    const cached = this.entries.get(organizationId);
    if (cached && now - cached.readAt < this.ttlMs) return cached.sizes;
    const sizes = this.read(organizationId);
    this.entries.set(organizationId, { readAt: now, sizes });
    sizes.catch(() => this.entries.delete(organizationId)); // a failed read is not remembered
    return sizes;
  }

  /** Through knex, not the ORM's execute: the request's own statements stay what they were (tests count them). */
  private async read(organizationId: number): Promise<DirectorySizes> {
    const result = await this.em().getKnex().raw(SIZES_SQL, Array(6).fill(organizationId));
    return (result as { rows: DirectorySizes[] }).rows[0]!;
  }
}
