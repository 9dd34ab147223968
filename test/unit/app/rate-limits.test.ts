import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countRootFields, keyOfSecret, rateLimitedError, retryAfterSeconds } from '../../../src/app/rate-limits';
import { hashSecret } from '../../../src/org/api-keys.crypto';

function submissions(source: string): number {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return countRootFields(operation, document, 'submitSurveyResponse');
}

describe('countRootFields', () => {
  it('counts each submitSurveyResponse of a mutation, aliases included', () => {
    expect(submissions('mutation { a: submitSurveyResponse(input: {}) { id } b: submitSurveyResponse(input: {}) { id } }')).toBe(2);
  });

  it('counts those inside inline fragments and fragment spreads, each time they are spread', () => {
    const source = `
      mutation { ...Two ... on Mutation { submitSurveyResponse(input: {}) { id } } ...Two }
      fragment Two on Mutation { x: submitSurveyResponse(input: {}) { id } y: submitSurveyResponse(input: {}) { id } }`;
    expect(submissions(source)).toBe(5);
  });

  it('counts a field under @skip too: directives are not evaluated', () => {
    expect(submissions('mutation { submitSurveyResponse(input: {}) @skip(if: true) { id } }')).toBe(1);
  });

  it('counts nothing in queries or other mutations, nor nested fields of that name', () => {
    expect(submissions('query { surveyInvitationStatus(token: "t") }')).toBe(0);
    expect(submissions('mutation { createSurveyInvitation(contactExternalId: "c") { submitSurveyResponse } }')).toBe(0);
  });
});

describe('keyOfSecret', () => {
  it('is neither the secret nor the hash stored in api_key, and the same for the same secret', () => {
    const secret = 'cp_example-secret';
    expect(keyOfSecret(secret)).toBe(keyOfSecret(secret));
    expect(keyOfSecret(secret)).not.toContain(secret);
    expect(keyOfSecret(secret)).not.toBe(hashSecret(secret));
    expect(keyOfSecret(secret)).not.toBe(keyOfSecret(`${secret}x`));
    expect(keyOfSecret(secret)).toMatch(/^[\w-]{43}$/);
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds and is at least 1', () => {
    const count = (msBeforeReset: number) => ({ allowed: false, limit: 5, remaining: 0, msBeforeReset });
    expect(retryAfterSeconds(count(12_001))).toBe(13);
    expect(retryAfterSeconds(count(12_000))).toBe(12);
    expect(retryAfterSeconds(count(0))).toBe(1);
  });
});

describe('rateLimitedError', () => {
  it('says which limit, how much and when to retry, with code RATE_LIMITED and a 429', () => {
    const error = rateLimitedError(
      { setting: 'SURVEY_RATE_LIMIT_PER_MINUTE', counts: 'survey submissions per minute per client address' },
      { allowed: false, limit: 30, remaining: 0, msBeforeReset: 41_500 },
    );
    expect(error.message).toBe(
      'Rate limit: at most 30 survey submissions per minute per client address (SURVEY_RATE_LIMIT_PER_MINUTE); retry in 42 s',
    );
    expect(error.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'SURVEY_RATE_LIMIT_PER_MINUTE',
      limitPerMinute: 30,
      retryAfterSeconds: 42,
      http: { status: 429 },
    });
  });
});
