import { writeTransaction } from '../platform/write-transaction';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput, describeProblems, notFound } from '../platform/errors';
import { validateSlaDefinition, type SlaDefinition, type SlaDefinitionInput } from './sla-policy';

/** One stored version of a policy. */
export interface SlaPolicyVersion {
  policyId: string;
  versionId: string;
  effectiveFrom: Date;
  archivedAt: Date | null;
  definition: SlaDefinition;
}

interface VersionRow {
  policy_id: string;
  id: string;
  effective_from: Date | string;
  archived_at: Date | string | null;
  definition: SlaDefinition;
}

const toVersion = (r: VersionRow): SlaPolicyVersion => ({
  policyId: String(r.policy_id),
  versionId: String(r.id),
  effectiveFrom: new Date(r.effective_from),
  archivedAt: r.archived_at === null ? null : new Date(r.archived_at),
  definition: r.definition,
});

/** Versions of the policies, oldest first (effective_from, then the order they were written). */
const VERSIONS = `select v.policy_id, v.id, v.effective_from, p.archived_at, v.definition
  from sla_policy_version v join sla_policy p on p.organization_id = v.organization_id and p.id = v.policy_id
  where v.organization_id = ?`;

/** SLA policies and their versions, within one organization. */
export class SlaStore {
  constructor(private readonly em: EntityManager) {}

  /** A new policy: without `effectiveFrom` its first version is in force for all time (from 1970-01-01). */
  async create(organizationId: number, input: SlaDefinitionInput, effectiveFrom: Date | null): Promise<SlaPolicyVersion[]> {
    const definition = checked(input);
    return writeTransaction(this.em, async (em) => {
      const [policy] = await em.execute(`insert into sla_policy (organization_id) values (?) returning id`, [organizationId]);
      await insertVersion(em, organizationId, String(policy.id), definition, effectiveFrom ?? ALL_TIME);
      return new SlaStore(em).versions(organizationId, String(policy.id));
    });
  }

  /** Adds a version; periods starting at or after `effectiveFrom` (default now) are evaluated with it. */
  async update(organizationId: number, policyId: string, input: SlaDefinitionInput, effectiveFrom: Date | null): Promise<SlaPolicyVersion[]> {
    const definition = checked(input);
    return writeTransaction(this.em, async (em) => {
      await new SlaStore(em).versions(organizationId, policyId); // 404 before writing
      await insertVersion(em, organizationId, policyId, definition, effectiveFrom);
      return new SlaStore(em).versions(organizationId, policyId);
    });
  }

  async archive(organizationId: number, policyId: string): Promise<SlaPolicyVersion[]> {
    await this.versions(organizationId, policyId);
    await this.em.execute(`update sla_policy set archived_at = coalesce(archived_at, now()) where organization_id = ? and id = ?`, [
      organizationId,
      policyId,
    ]);
    return this.versions(organizationId, policyId);
  }

  /** Every version of one policy, oldest first; NOT_FOUND when the policy is not this organization's. */
  async versions(organizationId: number, policyId: string): Promise<SlaPolicyVersion[]> {
    if (!/^\d{1,18}$/.test(policyId)) throw notFound(`SLA policy ${policyId} not found`);
    const rows: VersionRow[] = await this.em.execute(`${VERSIONS} and v.policy_id = ? order by v.effective_from, v.id`, [
      organizationId,
      policyId,
    ]);
    if (rows.length === 0) throw notFound(`SLA policy ${policyId} not found`);
    return rows.map(toVersion);
  }

  /** Every policy's versions, policies in creation order. */
  async all(organizationId: number, includeArchived: boolean): Promise<SlaPolicyVersion[][]> {
    const rows: VersionRow[] = await this.em.execute(
      `${VERSIONS} ${includeArchived ? '' : 'and p.archived_at is null'} order by v.policy_id, v.effective_from, v.id`,
      [organizationId],
    );
    const byPolicy = new Map<string, SlaPolicyVersion[]>();
    for (const v of rows.map(toVersion)) byPolicy.set(v.policyId, [...(byPolicy.get(v.policyId) ?? []), v]);
    return [...byPolicy.values()];
  }
}

/** The effective date of a first version given none. */
const ALL_TIME = new Date(0);

/**
 * The version in force for a period starting at `start` (`versions` oldest first):
 * the one with the latest effectiveFrom at or before it; before every version, the
 * policy's first (created first, whatever date a later version was given).
 */
export function versionFor(versions: readonly SlaPolicyVersion[], start: Date): SlaPolicyVersion {
  let governing: SlaPolicyVersion | undefined;
  for (const v of versions) if (v.effectiveFrom <= start) governing = v;
  return governing ?? versions.reduce((first, v) => (BigInt(v.versionId) < BigInt(first.versionId) ? v : first));
}

/** The version in force now (the one `slaPolicies` shows). */
export const currentVersion = (versions: readonly SlaPolicyVersion[]) => versionFor(versions, new Date());

function checked(input: SlaDefinitionInput): SlaDefinition {
  const { definition, problems } = validateSlaDefinition(input);
  if (problems.length) throw badUserInput(describeProblems('SLA policy', problems), problems);
  return definition;
}

async function insertVersion(em: EntityManager, organizationId: number, policyId: string, definition: SlaDefinition, effectiveFrom: Date | null) {
  await em.execute(
    `insert into sla_policy_version (organization_id, policy_id, effective_from, definition) values (?, ?, coalesce(?::timestamptz, now()), ?::jsonb)`,
    [organizationId, policyId, effectiveFrom?.toISOString() ?? null, JSON.stringify(definition)],
  );
}
