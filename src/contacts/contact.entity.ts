import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export enum Channel {
  VOICE = 'VOICE',
  CHAT = 'CHAT',
  EMAIL = 'EMAIL',
  MESSAGING = 'MESSAGING',
}

export enum Direction {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}

/**
 * One offered contact (call, chat, email, message) as the platform reported it,
 * with its derived wait. Written in bulk by `ContactsService` with SQL; the entity
 * declares the table for migrations and single-row reads.
 */
@Entity({ tableName: 'contact' })
@Unique({ properties: ['organizationId', 'externalId'] })
@Index({ properties: ['organizationId', 'offeredAt'] })
export class Contact {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'integer' })
  organizationId!: number;

  @Property({ type: 'text' })
  externalId!: string;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Enum({ items: () => Direction })
  direction!: Direction;

  @Property({ type: 'integer' })
  queueId!: number;

  /** The team credited: the given team key, else the agent's team at ingest. */
  @Property({ type: 'integer', nullable: true })
  teamId!: number | null;

  @Property({ type: 'integer', nullable: true })
  agentId!: number | null;

  @Property({ type: 'text', nullable: true })
  customerRef!: string | null;

  @Property({ type: 'timestamptz' })
  offeredAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Property({ type: 'timestamptz' })
  endedAt!: Date;

  /** (answeredAt ?? endedAt) − offeredAt, whole seconds. */
  @Property({ type: 'integer' })
  waitSeconds!: number;

  @Property({ type: 'integer' })
  talkSeconds!: number;

  @Property({ type: 'integer' })
  holdSeconds!: number;

  @Property({ type: 'integer' })
  afterContactWorkSeconds!: number;

  @Property({ type: 'integer' })
  transfers!: number;

  @Property({ type: 'boolean', nullable: true })
  resolved!: boolean | null;

  @Property({ type: 'text', nullable: true })
  disposition!: string | null;

  /** System first-contact resolution; null unless answered, inbound and with a customer ref. */
  @Property({ type: 'boolean', nullable: true })
  firstContactResolved!: boolean | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
