import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../warehouse/channels';
import { ContactView, PageInfo, type Paged } from '../contacts/contact.types';
import { InvitationStatus } from './surveys.service';
import { MAX_CATEGORY, MAX_COMMENT } from './survey.validation';

registerEnumType(InvitationStatus, {
  name: 'SurveyInvitationStatus',
  description: 'Where a survey link stands: OPEN (answer it), RESPONDED, EXPIRED, or UNKNOWN (not a token of this server).',
});

@ObjectType('SurveyInvitation', { description: 'An invitation to rate one contact; its token is the survey link.' })
export class SurveyInvitationView {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Put it in the survey link (/survey/<token>) or the widget tag; no API key is needed with it.' })
  token!: string;
  @Field(() => String) contactExternalId!: string;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date, { nullable: true }) respondedAt!: Date | null;
}

@InputType('SurveyResponseInput', { description: "A customer's answers; text is trimmed and stored as given, never as HTML." })
export class SurveyResponseInput {
  @Field(() => String, { description: 'From the invitation; no API key needed with it.' }) token!: string;
  @Field(() => Int, { description: '1..5.' }) csat!: number;
  @Field(() => Boolean, { nullable: true, description: '"Was your issue resolved?"' }) resolved?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default false.' }) complaint?: boolean | null;
  @Field(() => String, { nullable: true, description: `Only with complaint: true; at most ${MAX_CATEGORY} characters.` })
  complaintCategory?: string | null;
  @Field(() => Int, { nullable: true, description: '0..10: how likely to recommend.' }) nps?: number | null;
  @Field(() => String, { nullable: true, description: `At most ${MAX_COMMENT} characters.` }) comment?: string | null;
}

@ObjectType('SurveyResponse', { description: "A customer's answers about one contact." })
export class SurveyResponseView {
  @Field(() => ID) id!: string;
  @Field(() => Int) csat!: number;
  @Field(() => Boolean, { nullable: true }) resolved!: boolean | null;
  @Field(() => Boolean) complaint!: boolean;
  @Field(() => String, { nullable: true }) complaintCategory!: string | null;
  @Field(() => Int, { nullable: true }) nps!: number | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => Date) submittedAt!: Date;

  /** Resolved by SurveyResponseFieldsResolver (READ keys only); preloaded by the surveyResponses query. */
  contactId!: string;
  contactView?: ContactView;
}

@ObjectType('SurveyResponseEdge')
export class SurveyResponseEdge {
  @Field(() => SurveyResponseView) node!: SurveyResponseView;
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this response.' }) cursor!: string;
}

@ObjectType('SurveyResponseConnection', { description: "One page of survey responses, by the contact's offeredAt, newest first." })
export class SurveyResponseConnection implements Paged<SurveyResponseEdge> {
  @Field(() => [SurveyResponseEdge]) edges!: SurveyResponseEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  countAll!: () => Promise<number>;
}

@ObjectType('ComplaintCount', { description: 'Complaints per category and period, by the period of the contact.' })
export class ComplaintCount {
  @Field(() => Date, { nullable: true }) periodStart!: Date | null;
  @Field(() => Date, { nullable: true }) periodEnd!: Date | null;
  @Field(() => String, { nullable: true, description: 'null = the customer gave no category.' }) category!: string | null;
  @Field(() => Int) count!: number;
}

@ObjectType('SurveyAutoInvite', { description: 'Automatic invitations on ingest: new answered contacts on these channels, sampled.' })
export class SurveyAutoInviteView {
  @Field(() => [Channel]) channels!: Channel[];
  @Field(() => Float, { description: 'Share of eligible new contacts invited (by a hash of the external id), 0..1; 0 = off.' })
  samplingRate!: number;
}
