import { Migration } from '@mikro-orm/migrations';

/**
 * The contact versions a writer staged, kept until the fold adds them to the rollups
 * after the writer's commit (src/warehouse/pending-deltas.ts): sign −1 for a version
 * replaced, +1 for the version written, with the columns the rollups read, typed like
 * the contact's. Reads add them to the rollups, so every answer stays exact meanwhile.
 * Keyed by organization first, as every table of an organization's data.
 */
export class Migration20261206220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table contact_delta_pending as
      select organization_id, 0::int8 as seq, 1::int2 as sign,
        id, customer_ref, offered_at, channel, direction, queue_id, team_id, agent_id, answered_at,
        wait_seconds, talk_seconds, hold_seconds, after_contact_work_seconds, transfers, first_contact_resolved,
        survey_invitations, survey_responses, csat_top2, csat_sum, resolution_answered, resolution_yes,
        complaints, nps_answers, nps_promoters, nps_detractors, qa_evaluations, qa_score_sum, qa_fatal_errors
      from contact with no data;`);
    this.addSql(`alter table contact_delta_pending
      alter column organization_id set not null, alter column sign set not null,
      alter column seq set not null, alter column seq add generated always as identity,
      add constraint contact_delta_pending_pkey primary key (organization_id, seq);`);
    this.addSql(`comment on table contact_delta_pending is 'Contact versions staged by committed writes (sign -1 replaced, +1 written) whose deltas the rollups have not taken yet; reads add them';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table contact_delta_pending;');
  }
}
