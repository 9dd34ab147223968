/**
 * Exact KPI statement results kept in this process, so that dashboards asking the
 * same question again (wallboards, many viewers of one dashboard) do not run its
 * statement again while the organization's facts have not changed.
 *
 * A result is kept under the organization's facts version (warehouse/facts-version.ts),
 * which every transaction holding the organization's write lock sets to a fresh
 * sequence value, and under the statement's text and bound values. A reader reads
 * the version first, then looks up or runs its statements. A statement that runs
 * after the version read sees that version's facts (or a newer commit's, made
 * meanwhile), and a reader that still reads that version started before any newer
 * commit: an answer from the cache is never older than its reader's version read,
 * whichever server instance wrote. Nothing is used or stored inside a transaction
 * (a writer's own uncommitted facts are no version's).
 *
 * Bounded: least recently used results go first once the total passes maxBytes; a
 * result larger than an eighth of it is not kept; when a newer version of an
 * organization is seen, its older results go at once.
 */
export class KpiResultCache {
  /** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();
  /** Per organization: the newest version seen and the keys stored under it. */
  private readonly organizations = new Map<number, { version: bigint; keys: Set<string> }>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  /** The rows stored for this statement at this version, or undefined. Treat them as read-only: they are shared. */
  get(organizationId: number, version: string, text: string, values: readonly unknown[]): readonly unknown[] | undefined {
    const org = this.current(organizationId, BigInt(version));
    const key = keyOf(organizationId, version, text, values);
    const entry = org ? this.entries.get(key) : undefined;
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.rows;
  }

  /** Keeps a statement's rows under the version read before it ran (unless a newer version was seen meanwhile). */
  set(organizationId: number, version: string, text: string, values: readonly unknown[], rows: readonly unknown[]): void {
    const org = this.current(organizationId, BigInt(version));
    if (!org) return;
    const key = keyOf(organizationId, version, text, values);
    const bytes = 2 * key.length + sizeOf(rows) + ENTRY_OVERHEAD;
    if (bytes > this.maxBytes / 8) return;
    this.remove(key);
    this.entries.set(key, { organizationId, bytes, rows });
    org.keys.add(key);
    this.total += bytes;
    for (const [oldest] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /** What is kept now: entries and their estimated bytes. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }

  /**
   * The organization's bookkeeping if `version` is its newest version seen (a newer one
   * drops every result of the older); null for an older version, which is never kept.
   */
  private current(organizationId: number, version: bigint) {
    let org = this.organizations.get(organizationId);
    if (org && org.version > version) return null;
    if (!org || org.version < version) {
      if (org) for (const key of org.keys) this.remove(key);
      org = { version, keys: new Set() };
      this.organizations.set(organizationId, org);
    }
    return org;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.organizations.get(entry.organizationId)?.keys.delete(key);
    this.total -= entry.bytes;
  }
}

interface Entry {
  organizationId: number;
  bytes: number;
  rows: readonly unknown[];
}

/** Map entry, key and bookkeeping objects, roughly. */
const ENTRY_OVERHEAD = 200;

const keyOf = (organizationId: number, version: string, text: string, values: readonly unknown[]) =>
  `${organizationId}\u0000${version}\u0000${JSON.stringify(values)}\u0000${text}`;

/** Estimated bytes of a statement's rows (strings as UTF-16, numbers as doubles, objects with some overhead). */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return 16 + 2 * value.length;
  if (value === null || typeof value !== 'object') return 8;
  let bytes = 32;
  if (Array.isArray(value)) for (const item of value) bytes += 8 + sizeOf(item);
  else for (const [k, v] of Object.entries(value)) bytes += 2 * k.length + 8 + sizeOf(v);
  return bytes;
}
