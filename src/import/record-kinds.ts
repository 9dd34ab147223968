import type { EntityManager } from '@mikro-orm/postgresql';
import { ActivityService } from '../activity/activity.service';
import { activityKey, validateActivity, type ActivityFields, type ValidActivity } from '../activity/activity.validation';
import { ContactsService } from '../contacts/contacts.service';
import { validateContacts, type ContactFields, type ValidContact } from '../contacts/contact.validation';
import type { FieldProblem } from '../platform/errors';
import type { WriteTotals } from '../platform/batches';
import { fromValidationProblem, type CellProblem } from './problems';

/**
 * What an import file holds, one record per row: how a row is validated (by the
 * same rules as the GraphQL mutation), what identifies it within the file, and how
 * a batch is written (the mutation's write path, one transaction per batch).
 */
export interface RecordKind<F, V> {
  /** Plural noun for messages. */
  noun: string;
  validate(fields: F): { record: V | null; problems: CellProblem[] };
  /** A second row with the same key is rejected, never written twice. */
  key(record: V): string;
  duplicate(record: V): CellProblem;
  write(em: EntityManager, organizationId: number, batch: readonly V[]): Promise<WriteTotals>;
}

/** One row's validation result, in the file's column names. */
function single<V>(records: readonly V[], problems: readonly FieldProblem[]) {
  const cells = problems.map(fromValidationProblem);
  return { record: cells.length ? null : (records[0] ?? null), problems: cells };
}

export const CONTACTS: RecordKind<ContactFields, ValidContact> = {
  noun: 'contacts',
  validate(fields) {
    const { contacts, problems } = validateContacts([fields]);
    return single(contacts, problems);
  },
  key: (c) => c.externalId,
  duplicate: (c) => ({ field: 'external_id', rule: 'DUPLICATE_EXTERNAL_ID', message: `"${c.externalId}" appears more than once in the file` }),
  write: (em, organizationId, batch) => new ContactsService(em).write(organizationId, batch),
};

export const ACTIVITY: RecordKind<ActivityFields, ValidActivity> = {
  noun: 'activity records',
  validate(fields) {
    const { records, problems } = validateActivity([fields]);
    return single(records, problems);
  },
  key: activityKey,
  duplicate: (a) => ({
    field: 'interval_start',
    rule: 'DUPLICATE_INTERVAL',
    message: `agent "${a.agent}" has interval ${a.intervalStart.toISOString()} more than once in the file`,
  }),
  write: (em, organizationId, batch) => new ActivityService(em).write(organizationId, batch),
};
