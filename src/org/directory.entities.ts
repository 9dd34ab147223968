import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * The dimension rows contacts point to: teams, queues and agents, each keyed by
 * the id the ACD/CTI or chat platform uses (its `key`), created on first sight.
 */

/** What teams, queues and agents share: an organization, the source system's key and a name. */
@Entity({ abstract: true })
abstract class DirectoryMember {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  organizationId: number;

  @Property({ type: 'text' })
  key: string;

  @Property({ type: 'text' })
  name: string;

  constructor(organizationId: number, key: string, name = key) {
    this.organizationId = organizationId;
    this.key = key;
    this.name = name;
  }
}

@Entity({ tableName: 'team' })
@Unique({ properties: ['organizationId', 'key'] })
export class Team extends DirectoryMember {}

@Entity({ tableName: 'queue' })
@Unique({ properties: ['organizationId', 'key'] })
export class Queue extends DirectoryMember {
  /** The team that owns the queue (setQueueTeam): its contacts without a team of their own are credited to it. */
  @Property({ type: 'integer', nullable: true })
  teamId: number | null = null;
}

@Entity({ tableName: 'agent' })
@Unique({ properties: ['organizationId', 'key'] })
@Index({ properties: ['organizationId', 'teamId'] })
export class Agent extends DirectoryMember {
  /** The agent's current team: agents belong to one team at a time. */
  @Property({ type: 'integer', nullable: true })
  teamId: number | null = null;

  /** offeredAt of the contact that last set the team: older contacts never move an agent back. */
  @Property({ type: 'timestamptz', nullable: true })
  teamAssignedAt: Date | null = null;
}
