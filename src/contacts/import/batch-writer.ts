import type { EntityManager } from '@mikro-orm/postgresql';
import { ContactsService } from '../contacts.service';
import type { ValidContact } from '../contact.validation';

export interface WriteTotals {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Collects validated contacts and upserts them batchSize at a time, each batch in
 * its own transaction (ContactsService.write). Shared by every import kind.
 */
export class BatchWriter {
  readonly totals: WriteTotals = { created: 0, updated: 0, unchanged: 0 };
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
    this.totals.created += result.created;
    this.totals.updated += result.updated;
    this.totals.unchanged += result.unchanged;
    this.onBatch(this.totals);
  }
}
