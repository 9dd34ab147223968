import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLLUP_GRAINS } from '../../analytics/contact-sums';
import { ContactsService } from '../contacts.service';
import type { ValidContact } from '../contact.validation';

export interface WriteTotals {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Collects validated contacts and upserts them batchSize at a time, each batch in
 * its own transaction (ContactsService.write). Shared by every import kind and the demo data.
 */
export class BatchWriter {
  readonly totals: WriteTotals = { received: 0, created: 0, updated: 0, unchanged: 0 };
  private pending: ValidContact[] = [];

  constructor(
    private readonly em: EntityManager,
    private readonly organizationId: number,
    private readonly batchSize: number,
    private readonly onBatch: (totals: WriteTotals) => void = () => {},
  ) {}

  async add(contact: ValidContact): Promise<void> {
    this.pending.push(contact);
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    // A fresh fork per batch keeps the identity map from growing over a large file.
    const result = await new ContactsService(this.em.fork()).write(this.organizationId, batch);
    // A bulk load outgrows the planner's statistics batch after batch; refresh them so
    // the FCR and rollup upkeep of the next batch keeps using its indexes.
    await this.em.fork().execute(`analyze contact, ${ROLLUP_GRAINS.map((g) => g.table).join(', ')}, contact_wait_rollup`);
    this.totals.received += result.received;
    this.totals.created += result.created;
    this.totals.updated += result.updated;
    this.totals.unchanged += result.unchanged;
    this.onBatch(this.totals);
  }
}
