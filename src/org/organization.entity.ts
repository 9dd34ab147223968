import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A tenant. Every other row carries its id; nothing is read across organizations. */
@Entity({ tableName: 'organization' })
export class Organization {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Unique()
  @Property({ type: 'text' })
  slug: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** The IANA zone its reports are usually cut in: local-day rollups are kept for it (none for UTC). */
  @Property({ type: 'text', default: 'UTC' })
  reportingTimeZone: string = 'UTC';

  constructor(slug: string, name: string) {
    this.slug = slug;
    this.name = name;
  }
}

export const DEFAULT_ORGANIZATION_SLUG = 'default';
