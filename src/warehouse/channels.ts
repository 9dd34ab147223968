import { registerEnumType } from 'type-graphql';

/**
 * The values of a contact's channel and direction dimensions: stored as text,
 * named the same in GraphQL (registered here, so whoever uses them has them).
 */
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

registerEnumType(Channel, { name: 'Channel', description: 'How the customer reached the center.' });
registerEnumType(Direction, { name: 'Direction', description: 'Who started the contact.' });
