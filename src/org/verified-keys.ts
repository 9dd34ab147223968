import type { Principal } from './auth';

/**
 * API keys this server verified, remembered for a few seconds by their secret's hash:
 * looking a key up took a pooled connection and a statement on every request (about
 * 2 ms of a dashboard request, issue 16). A key revoked through this server is
 * forgotten at once (the `apiKey.revoked` event); one revoked elsewhere (another
 * instance on the same database, SQL) stops working here within `ttlMs`. Unknown and
 * revoked keys are never remembered: a key created anywhere works at once, and failed
 * attempts go on counting against their client address.
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, { principal: Principal; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries: number = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The principal of a key hash verified less than ttlMs ago; null otherwise. */
  get(secretHash: string): Principal | null {
    const entry = this.entries.get(secretHash);
    if (!entry) return null;
    if (entry.expires > this.now()) return entry.principal;
    this.entries.delete(secretHash);
    return null;
  }

  /** Remembers a key just verified; past maxEntries the oldest one is dropped (a Map iterates in insertion order). */
  remember(secretHash: string, principal: Principal): void {
    this.entries.delete(secretHash);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(secretHash, { principal, expires: this.now() + this.ttlMs });
  }

  /** Forgets a revoked key. */
  forget(apiKeyId: number): void {
    for (const [hash, entry] of this.entries) if (entry.principal.apiKeyId === apiKeyId) this.entries.delete(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** How long a server trusts a key it verified: a revocation made elsewhere takes effect here within this. */
export const VERIFIED_KEY_TTL_MS = 5_000;
