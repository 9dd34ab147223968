import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export enum Role {
  ADMIN = 'ADMIN',
  ANALYST = 'ANALYST',
  INGEST = 'INGEST',
}

/** An API key: only a SHA-256 hash of its secret is stored. */
@Entity({ tableName: 'api_key' })
@Index({ properties: ['organizationId'] })
export class ApiKey {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  organizationId: number;

  @Property({ type: 'text' })
  name: string;

  @Enum({ items: () => Role, nativeEnumName: undefined })
  role: Role;

  @Unique()
  @Property({ type: 'text' })
  secretHash: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  constructor(organizationId: number, name: string, role: Role, secretHash: string) {
    this.organizationId = organizationId;
    this.name = name;
    this.role = role;
    this.secretHash = secretHash;
  }
}
