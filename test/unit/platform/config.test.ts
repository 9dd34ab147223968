import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LIMITS, readConfig } from '../../../src/platform/config';

describe('readConfig', () => {
  it('uses the defaults when nothing is set', () => {
    expect(readConfig({})).toEqual({
      port: 4000,
      databaseUrl: undefined,
      bootstrapApiKey: undefined,
      demoData: undefined,
      logLevel: 'info',
      dataDir: '.data',
      limits: DEFAULT_LIMITS,
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(readConfig({ PORT: '', DATABASE_URL: ' ', BOOTSTRAP_API_KEY: '', DEMO_DATA: '', LOG_LEVEL: ' ', CALLPULSE_DATA_DIR: ' ' })).toEqual(
      readConfig({}),
    );
  });

  it('reads valid values, trimming where it is harmless', () => {
    expect(
      readConfig({
        PORT: ' 8080 ',
        DATABASE_URL: 'postgresql://app:secret@db.internal:5432/callpulse',
        BOOTSTRAP_API_KEY: 'some-secret-123',
        DEMO_DATA: 'YES',
        LOG_LEVEL: 'Debug',
        CALLPULSE_DATA_DIR: '/var/lib/callpulse',
        SURVEY_INVITATION_TTL_SECONDS: ' 3600 ',
      }),
    ).toEqual({
      port: 8080,
      databaseUrl: 'postgresql://app:secret@db.internal:5432/callpulse',
      bootstrapApiKey: 'some-secret-123',
      demoData: true,
      logLevel: 'debug',
      dataDir: '/var/lib/callpulse',
      limits: DEFAULT_LIMITS,
    });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['on', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['OFF', false],
  ])('reads DEMO_DATA=%s as %s', (raw, expected) => {
    expect(readConfig({ DEMO_DATA: raw }).demoData).toBe(expected);
  });

  it.each(['1', '65535'])('accepts PORT=%s at the edge of the range', (raw) => {
    expect(readConfig({ PORT: raw }).port).toBe(Number(raw));
  });

  it.each(['0', '-5', '1.5', 'week', '31622401'])('refuses SURVEY_INVITATION_TTL_SECONDS=%s', (raw) => {
    expect(() => readConfig({ SURVEY_INVITATION_TTL_SECONDS: raw })).toThrow(
      `SURVEY_INVITATION_TTL_SECONDS must be a whole number of seconds from 1 to 31622400, got "${raw}"`,
    );
  });

  it('accepts the postgres:// scheme as well as postgresql://', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
  });

  describe('refuses a bad value with a ConfigError of one line that names the variable', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '0'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['PORT', '1e3'],
      ['DATABASE_URL', 'mysql://x/y'],
      ['DATABASE_URL', 'not a url'],
      ['DATABASE_URL', 'postgres://localhost:5432'],
      ['DATABASE_URL', 'postgres://localhost:5432/'],
      ['DEMO_DATA', 'maybe'],
      ['LOG_LEVEL', 'loud'],
      ['BOOTSTRAP_API_KEY', 'has a space'],
      ['BOOTSTRAP_API_KEY', ' leading-space'],
      ['BOOTSTRAP_API_KEY', 'x'.repeat(201)],
      ['BOOTSTRAP_API_KEY', 'non-ascii-é'],
    ])('%s=%j', (name, value) => {
      let thrown: unknown;
      try {
        readConfig({ [name]: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      const message = (thrown as ConfigError).message;
      expect(message.startsWith(`${name} must `)).toBe(true);
      expect(message).not.toMatch(/[\r\n]/);
    });
  });

  it('quotes the offending value so the operator sees what was read', () => {
    expect(() => readConfig({ PORT: 'abc' })).toThrow('PORT must be an integer from 1 to 65535, got "abc"');
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/);
    expect(() => readConfig({ DEMO_DATA: 'maybe' })).toThrow('DEMO_DATA must be 1 or 0 (true/false), got "maybe"');
    expect(() => readConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow('DATABASE_URL must use postgres:// or postgresql://, got "mysql://"');
  });

  it('never echoes a bad DATABASE_URL or BOOTSTRAP_API_KEY, which may hold secrets', () => {
    expect(() => readConfig({ DATABASE_URL: 'not a url with p4ssw0rd' })).toThrow(
      'DATABASE_URL must be a URL such as postgres://user:pass@host:5432/db',
    );
    try {
      readConfig({ BOOTSTRAP_API_KEY: 'top secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('top secret');
    }
    expect.assertions(2);
  });

  it('reads the operational limits, 0 switching a rate limit or the statement timeout off', () => {
    expect(
      readConfig({
        MAX_QUERY_COST: '1000',
        STATEMENT_TIMEOUT_MS: '0',
        RATE_LIMIT_PER_MINUTE: '0',
        AUTH_FAILURES_PER_MINUTE: ' 5 ',
        SURVEY_RATE_LIMIT_PER_MINUTE: '100',
        TRUST_PROXY: 'yes',
        MAX_CONCURRENT_EXPORTS: '2',
        LIVE_SUBSCRIPTIONS_PER_CONNECTION: '3',
        LIVE_SUBSCRIPTIONS_PER_KEY: '40',
        LIVE_SUBSCRIPTIONS_PER_SERVER: '500',
        KPI_RESULT_CACHE_MB: '0',
      }).limits,
    ).toEqual({
      maxQueryCost: 1000,
      statementTimeoutMs: 0,
      rateLimitPerMinute: 0,
      authFailuresPerMinute: 5,
      surveyRateLimitPerMinute: 100,
      trustProxy: true,
      maxConcurrentExports: 2,
      liveSubscriptionsPerConnection: 3,
      liveSubscriptionsPerKey: 40,
      liveSubscriptionsPerServer: 500,
      kpiResultCacheMb: 0,
    });
  });

  it.each([
    ['MAX_QUERY_COST', '0'],
    ['MAX_QUERY_COST', '1e6'],
    ['STATEMENT_TIMEOUT_MS', '-1'],
    ['RATE_LIMIT_PER_MINUTE', 'many'],
    ['TRUST_PROXY', 'maybe'],
    ['MAX_CONCURRENT_EXPORTS', '0'],
    ['MAX_CONCURRENT_EXPORTS', '10'],
    ['LIVE_SUBSCRIPTIONS_PER_CONNECTION', '0'],
    ['LIVE_SUBSCRIPTIONS_PER_SERVER', 'lots'],
  ])('refuses %s=%s naming the variable', (name, raw) => {
    expect(() => readConfig({ [name]: raw })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: raw })).toThrow(name);
  });
});
