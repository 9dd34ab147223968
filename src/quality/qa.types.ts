import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType('QaCriterionInput')
export class QaCriterionInput {
  @Field(() => String, { description: 'Unique in the form; evaluations score it by this key.' }) key!: string;
  @Field(() => String) label!: string;
  @Field(() => Float, { description: '> 0; the score is Σ(score × weight) / Σ weight.' }) weight!: number;
  @Field(() => Boolean, { nullable: true, description: 'A fatal criterion scored below 1 fails the whole evaluation (score 0). Default false.' })
  fatal?: boolean | null;
}

@ObjectType('QaCriterion')
export class QaCriterionView {
  @Field(() => String) key!: string;
  @Field(() => String) label!: string;
  @Field(() => Float) weight!: number;
  @Field(() => Boolean) fatal!: boolean;
}

@ObjectType('QaForm', { description: 'A quality form: the criteria a supervisor scores a monitored contact on.' })
export class QaFormView {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [QaCriterionView]) criteria!: QaCriterionView[];
  @Field(() => Date) createdAt!: Date;
}

@InputType('QaScoreInput')
export class QaScoreInput {
  @Field(() => String, { description: "The criterion's key." }) criterion!: string;
  @Field(() => Float, { description: "0..1 of the criterion's weight." }) score!: number;
}

@InputType('QaEvaluationInput', { description: 'One scored contact. Re-sending the same externalId replaces it.' })
export class QaEvaluationInput {
  @Field(() => String, { description: 'Idempotent per organization, like contacts.' }) externalId!: string;
  @Field(() => String, { description: "The evaluated contact's externalId: its agent, team, queue and period." }) contactExternalId!: string;
  @Field(() => ID) formId!: string;
  @Field(() => String) evaluator!: string;
  @Field(() => Date) evaluatedAt!: Date;
  @Field(() => [QaScoreInput], { description: 'One per criterion of the form.' }) scores!: QaScoreInput[];
}

@ObjectType('RecordQaResult', { description: 'What a batch did: every received evaluation is exactly one of created, updated or unchanged.' })
export class RecordQaResultView {
  @Field(() => Int) received!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
}

@ObjectType('FatalErrorCount', { description: 'Evaluations failing one fatal criterion, in one period of the evaluated contacts.' })
export class FatalErrorCountView {
  @Field(() => Date, { nullable: true, description: 'Null without granularity.' }) periodStart!: Date | null;
  @Field(() => Date, { nullable: true }) periodEnd!: Date | null;
  @Field(() => String, { description: "The criterion's key." }) criterion!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('EvaluatorSummary', { description: "One evaluator's output over the contacts asked for." })
export class EvaluatorSummaryView {
  @Field(() => String) evaluator!: string;
  @Field(() => Int) evaluations!: number;
  @Field(() => Float, { nullable: true }) averageScore!: number | null;
  @Field(() => Int, { description: 'Evaluations with a fatal error.' }) fatalErrors!: number;
}
