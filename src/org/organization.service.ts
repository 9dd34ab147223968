import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization } from './organization.entity';

/** An organization's own settings. */
export class OrganizationService {
  constructor(private readonly em: EntityManager) {}

  get(organizationId: number): Promise<Organization> {
    return this.em.fork().findOneOrFail(Organization, organizationId);
  }
}
