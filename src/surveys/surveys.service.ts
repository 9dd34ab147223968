import { writeTransaction } from '../platform/write-transaction';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { contactChange } from '../warehouse/contact-facts';
import { SURVEY_CONTACT_TALLIES, refreshContactTallies } from '../warehouse/contact-tallies';
import type { DomainEventBus } from '../org/events';
import { writeFacts } from '../warehouse/fact-writes';
import { CONTACT_FACT } from '../warehouse/facts';
import { applyTalliesIfFree, queueTally } from '../warehouse/survey-tallies';
import { readSurveyInvitationTtl } from '../platform/config';
import { badUserInput, describeProblems, type FieldProblem } from '../platform/errors';
import { hashToken, isTokenShaped, newSalt, surveyToken, surveyTokenSecret } from './survey-tokens';
import { validateAnswers, type SurveyAnswersInput } from './survey.validation';

export const MAX_INVITATIONS_PER_CALL = 10_000;

export interface InvitationRow {
  id: string;
  contact_id: string;
  external_id: string;
  salt: string;
  expires_at: Date | string;
  responded_at: Date | string | null;
}

export interface Invitation {
  id: string;
  token: string;
  contactExternalId: string;
  expiresAt: Date;
  respondedAt: Date | null;
}

export interface ResponseRow {
  id: string;
  contact_id: string;
  csat: number;
  resolved: boolean | null;
  complaint: boolean;
  complaint_category: string | null;
  nps: number | null;
  comment: string | null;
  submitted_at: Date | string;
}

export enum InvitationStatus {
  OPEN = 'OPEN',
  RESPONDED = 'RESPONDED',
  EXPIRED = 'EXPIRED',
  UNKNOWN = 'UNKNOWN',
}

/** Why a token was refused: in `extensions.reason`, so the widget can say "expired" or "not valid". */
function refused(reason: 'UNKNOWN_TOKEN' | 'EXPIRED'): GraphQLError {
  const message = reason === 'EXPIRED' ? 'This survey invitation has expired.' : 'Unknown survey token.';
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', reason } });
}

/**
 * Survey invitations and responses. Invitations take the organization's write
 * lock (as contact ingestion does) and refresh the contacts' survey tallies and
 * their rollup buckets in the same transaction. A response never waits for that
 * lock: it is applied at once when the lock is free, else by its next holder
 * (survey-tallies.ts); either way it counts once.
 */
export class SurveysService {
  /** `events`: told 'survey.answered' after each stored response. */
  constructor(
    private readonly em: EntityManager,
    private readonly events?: DomainEventBus,
  ) {}

  /**
   * One invitation per external id, in the order given. A contact's open (or
   * answered) invitation is returned again with the same token; a new one is
   * created only when there is none or the last expired unanswered.
   */
  async invite(organizationId: number, externalIds: readonly string[]): Promise<Invitation[]> {
    const problems: FieldProblem[] = [];
    if (externalIds.length > MAX_INVITATIONS_PER_CALL) {
      throw badUserInput(`contactExternalIds: at most ${MAX_INVITATIONS_PER_CALL} per call, got ${externalIds.length}`, [
        { field: 'contactExternalIds', rule: 'TOO_MANY', message: `at most ${MAX_INVITATIONS_PER_CALL} per call` },
      ]);
    }
    if (externalIds.length === 0) return [];
    const { result } = await writeFacts(this.em, organizationId, CONTACT_FACT, async (em) => {
      const distinct = [...new Set(externalIds)];
      const contacts: Array<{ id: string; external_id: string }> = await em.execute(
        `select id, external_id from contact where organization_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb))`,
        [organizationId, JSON.stringify(distinct)],
      );
      const idOf = new Map(contacts.map((c) => [c.external_id, String(c.id)]));
      externalIds.forEach((externalId, index) => {
        if (!idOf.has(externalId)) {
          problems.push({ field: `contactExternalIds[${index}]`, rule: 'UNKNOWN_CONTACT', message: `no contact "${externalId}"`, index });
        }
      });
      if (problems.length) throw badUserInput(describeProblems('createSurveyInvitations', problems), problems);

      const secret = await surveyTokenSecret(em);
      const current = await this.currentInvitations(em, organizationId, [...idOf.values()]);
      const missing = distinct.filter((e) => !current.has(idOf.get(e)!));
      if (missing.length > 0) {
        const fresh = missing.map((externalId) => idOf.get(externalId)!);
        await insertInvitations(em, organizationId, fresh, secret);
        for (const [id, row] of await this.currentInvitations(em, organizationId, fresh)) current.set(id, row);
      }
      return externalIds.map((externalId) => toInvitation(current.get(idOf.get(externalId)!)!, secret));
    });
    return result;
  }

  /** Per contact, its latest invitation if it is still open or was answered. */
  private async currentInvitations(em: EntityManager, organizationId: number, contactIds: string[]): Promise<Map<string, InvitationRow>> {
    const rows: InvitationRow[] = await em.execute(
      `select * from (
         select distinct on (i.contact_id) i.id, i.contact_id, c.external_id, i.salt, i.expires_at, i.responded_at
         from survey_invitation i join contact c on c.organization_id = i.organization_id and c.id = i.contact_id
         where i.organization_id = ? and i.contact_id = any(?::bigint[])
         order by i.contact_id, i.created_at desc, i.id desc) latest
       where responded_at is not null or expires_at > now()`,
      [organizationId, `{${contactIds.join(',')}}`],
    );
    return new Map(rows.map((r) => [String(r.contact_id), r]));
  }

  /** Where a token stands, for the widget to show the form or the right message. */
  async status(token: string): Promise<InvitationStatus> {
    if (!isTokenShaped(token)) return InvitationStatus.UNKNOWN;
    const rows: Array<{ responded: boolean; expired: boolean }> = await this.em.execute(
      `select responded_at is not null as responded, expires_at <= now() as expired from survey_invitation where token_hash = ?`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) return InvitationStatus.UNKNOWN;
    if (row.responded) return InvitationStatus.RESPONDED;
    return row.expired ? InvitationStatus.EXPIRED : InvitationStatus.OPEN;
  }

  /**
   * Stores a response, or returns the one already stored for this token (a
   * double click, a retry): the unique invitation_id makes concurrent duplicates
   * store exactly one row, and only the one that stored it queues its tally.
   */
  async submit(input: SurveyAnswersInput & { token: string }): Promise<ResponseRow> {
    const { answers, problems } = validateAnswers(input);
    if (problems.length) throw badUserInput(describeProblems('submitSurveyResponse', problems), problems);
    if (!isTokenShaped(input.token)) throw refused('UNKNOWN_TOKEN');
    const found: Array<{ id: string; organization_id: number; contact_id: string; expired: boolean }> = await this.em.execute(
      `select id, organization_id, contact_id, expires_at <= now() as expired from survey_invitation where token_hash = ?`,
      [hashToken(input.token)],
    );
    const invitation = found[0];
    if (!invitation) throw refused('UNKNOWN_TOKEN');

    // No write lock here: a contact batch may hold it for seconds (see survey-tallies.ts).
    const { response, inKpis } = await writeTransaction(this.em, async (em) => {
      const existing: ResponseRow[] = await em.execute(`select * from survey_response where organization_id = ? and invitation_id = ?`, [
        invitation.organization_id, invitation.id,
      ]);
      if (existing[0]) return { response: existing[0], inKpis: null };
      // Checked after looking for a response: an answered invitation keeps answering with its response.
      if (invitation.expired) throw refused('EXPIRED');
      const inserted: ResponseRow[] = await em.execute(
        `insert into survey_response (organization_id, invitation_id, contact_id, csat, resolved, complaint, complaint_category, nps, comment)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (organization_id, invitation_id) do nothing
         returning *`,
        [
          invitation.organization_id, invitation.id, invitation.contact_id, answers.csat, answers.resolved, answers.complaint,
          answers.complaintCategory, answers.nps, answers.comment,
        ],
      );
      const response = inserted[0] ?? (await em.execute(`select * from survey_response where organization_id = ? and invitation_id = ?`, [invitation.organization_id, invitation.id]))[0];
      if (!inserted[0]) return { response, inKpis: null };
      await em.execute(`update survey_invitation set responded_at = ? where organization_id = ? and id = ?`, [
        response.submitted_at, invitation.organization_id, invitation.id,
      ]);
      await queueTally(em, invitation.organization_id, String(response.id), String(invitation.contact_id));
      return { response, inKpis: await applyTalliesIfFree(em, invitation.organization_id) };
    });
    if (inKpis !== null && this.events) {
      const change = await contactChange(this.em, invitation.organization_id, String(invitation.contact_id));
      if (change) await this.events.emit('survey.answered', { ...change, responseId: String(response.id), contactId: String(invitation.contact_id), inKpis });
    }
    return response;
  }
}

/**
 * Creates one invitation per contact and refreshes their survey tallies, staging
 * their deltas: inside the caller's fact write (writeFacts), which applies them.
 */
export async function insertInvitations(em: EntityManager, organizationId: number, contactIds: readonly string[], secret?: string): Promise<void> {
  const key = secret ?? (await surveyTokenSecret(em));
  const fresh = contactIds.map((id) => {
    const salt = newSalt();
    return { contact_id: id, salt, token_hash: hashToken(surveyToken(key, salt)) };
  });
  await em.execute(
    `insert into survey_invitation (organization_id, contact_id, salt, token_hash, expires_at)
     select ?, x.contact_id, x.salt, x.token_hash, now() + make_interval(secs => ?)
     from jsonb_to_recordset(?::jsonb) as x(contact_id bigint, salt text, token_hash text)`,
    [organizationId, readSurveyInvitationTtl(), JSON.stringify(fresh)],
  );
  await refreshContactTallies(em, organizationId, contactIds, SURVEY_CONTACT_TALLIES);
}

function toInvitation(row: InvitationRow, secret: string): Invitation {
  return {
    id: String(row.id),
    token: surveyToken(secret, row.salt),
    contactExternalId: row.external_id,
    expiresAt: new Date(row.expires_at),
    respondedAt: row.responded_at === null ? null : new Date(row.responded_at),
  };
}
