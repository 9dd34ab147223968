import type { EntityManager } from '@mikro-orm/postgresql';
import type { ValidContact } from '../contacts/contact.validation';
import type { WriteTotals } from '../platform/batches';
import { CONTACTS, type RecordKind } from './record-kinds';

/**
 * Collects validated records and writes them batchSize at a time, each batch in
 * its own transaction (the kind's write path). Shared by every import kind and the demo data.
 */
export class BatchWriter<V = ValidContact> {
  readonly totals: WriteTotals = { received: 0, created: 0, updated: 0, unchanged: 0 };
  private pending: V[] = [];

  constructor(
    private readonly em: EntityManager,
    private readonly organizationId: number,
    private readonly batchSize: number,
    private readonly onBatch: (totals: WriteTotals) => void = () => {},
    private readonly kind: Pick<RecordKind<unknown, V>, 'write'> = CONTACTS as never,
  ) {}

  async add(record: V): Promise<void> {
    this.pending.push(record);
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // A fresh fork per batch keeps the identity map from growing over a large file.
    const result = await this.kind.write(this.em.fork(), this.organizationId, batch);
    this.totals.received += result.received;
    this.totals.created += result.created;
    this.totals.updated += result.updated;
    this.totals.unchanged += result.unchanged;
    this.onBatch(this.totals);
  }
}
