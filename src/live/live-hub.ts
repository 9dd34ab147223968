import { GraphQLError } from 'graphql';
import type { FactNotice } from '../warehouse/fact-notices';
import { touches, type LiveScope } from './live-scope';

/** WebSocket close codes of graphql-ws: unknown key, and a key that may not (or may no longer) read. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export interface LiveLimits {
  /** LIVE_SUBSCRIPTIONS_PER_CONNECTION */
  perConnection: number;
  /** LIVE_SUBSCRIPTIONS_PER_KEY, on this server */
  perKey: number;
  /** LIVE_SUBSCRIPTIONS_PER_SERVER */
  perServer: number;
}

/** An open, authenticated socket. */
export interface LiveConnection {
  apiKeyId: number;
  close(code: number, reason: string): void;
}

interface Entry {
  scope: LiveScope;
  connection: LiveConnection;
  /** The hub's clock when a notice last touched it: its next read must start then or later (shared-reads.ts). */
  pokedAt: number;
  poke(): void;
}

/**
 * This server's live subscriptions and sockets: it pokes the subscriptions a
 * notice of changed facts may touch, closes the sockets of a revoked key, and
 * keeps the counts within their limits.
 */
export class LiveHub {
  private readonly entries = new Set<Entry>();
  private readonly connections = new Set<LiveConnection>();
  private noticesHeard = 0;

  constructor(readonly limits: LiveLimits) {}

  /** Rises with every notice (and every "may have missed one"): the time of shared reads. */
  get clock(): number {
    return this.noticesHeard;
  }

  /** Tracks a socket once authenticated; returns its removal. */
  openConnection(connection: LiveConnection): () => void {
    this.connections.add(connection);
    return () => this.connections.delete(connection);
  }

  /** Adds a subscription, or refuses it past a limit; returns its removal. */
  register(entry: Entry): () => void {
    const count = (keep: (e: Entry) => boolean) => [...this.entries].filter(keep).length;
    const refuse = (limit: string, max: number) =>
      new GraphQLError(`liveKpis: more than ${max} subscriptions ${limit}; close some first`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit, max },
      });
    if (count((e) => e.connection === entry.connection) >= this.limits.perConnection) {
      throw refuse('per connection (LIVE_SUBSCRIPTIONS_PER_CONNECTION)', this.limits.perConnection);
    }
    if (count((e) => e.connection.apiKeyId === entry.connection.apiKeyId) >= this.limits.perKey) {
      throw refuse('per API key on this server (LIVE_SUBSCRIPTIONS_PER_KEY)', this.limits.perKey);
    }
    if (this.entries.size >= this.limits.perServer) throw refuse('on this server (LIVE_SUBSCRIPTIONS_PER_SERVER)', this.limits.perServer);
    this.entries.add(entry);
    return () => this.entries.delete(entry);
  }

  /** Facts changed (on any server): every subscription whose report it may change reads it again. */
  notice(notice: FactNotice): number {
    const at = ++this.noticesHeard;
    let poked = 0;
    for (const entry of this.entries) {
      if (touches(entry.scope, notice)) {
        entry.pokedAt = at;
        entry.poke();
        poked++;
      }
    }
    return poked;
  }

  /** A notice may have been missed (the listening connection was lost): every subscription reads again. */
  pokeAll(): void {
    const at = ++this.noticesHeard;
    for (const entry of this.entries) {
      entry.pokedAt = at;
      entry.poke();
    }
  }

  /** Closes every socket of a revoked key. */
  keyRevoked(apiKeyId: number): void {
    for (const connection of this.connections) {
      if (connection.apiKeyId === apiKeyId) connection.close(CLOSE_FORBIDDEN, 'Forbidden: the API key was revoked');
    }
  }

  /** The keys of the open sockets (to check again after a lost notice). */
  openKeys(): number[] {
    return [...new Set([...this.connections].map((c) => c.apiKeyId))];
  }

  get counts(): { connections: number; subscriptions: number } {
    return { connections: this.connections.size, subscriptions: this.entries.size };
  }
}
