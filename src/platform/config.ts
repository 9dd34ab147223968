/** Start-up configuration, read once from the environment and validated. */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  /** Unset: the server starts its own embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  /** Ensures an ADMIN key with this secret for the default organization. */
  bootstrapApiKey: string | undefined;
  /** Load the demo data set; default: only into an empty embedded database. */
  demoData: boolean | undefined;
  logLevel: LogLevel;
  /** Where the embedded PostgreSQL keeps its cluster. */
  dataDir: string;
  /** What one request may cost and how often a client may ask (API.md "Operations"). */
  limits: OperationalLimits;
}

/** The operator's bounds on requests; every one is an environment variable. */
export interface OperationalLimits {
  /** MAX_QUERY_COST: the estimated cost above which a request is refused before it runs. */
  maxQueryCost: number;
  /** STATEMENT_TIMEOUT_MS: how long one SQL statement of a request may run (0: no limit). */
  statementTimeoutMs: number;
  /** RATE_LIMIT_PER_MINUTE: requests per API key per minute on /graphql (0: no limit). */
  rateLimitPerMinute: number;
  /** AUTH_FAILURES_PER_MINUTE: failed authentications per client address per minute (0: no limit). */
  authFailuresPerMinute: number;
  /** SURVEY_RATE_LIMIT_PER_MINUTE: survey submissions per client address per minute (0: no limit). */
  surveyRateLimitPerMinute: number;
  /** TRUST_PROXY: take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** MAX_CONCURRENT_EXPORTS: downloads (/export/…) running at once on this server; each holds a database connection of its own. */
  maxConcurrentExports: number;
  /** LIVE_SUBSCRIPTIONS_PER_CONNECTION: liveKpis subscriptions open at once on one WebSocket. */
  liveSubscriptionsPerConnection: number;
  /** LIVE_SUBSCRIPTIONS_PER_KEY: liveKpis subscriptions open at once per API key on this server. */
  liveSubscriptionsPerKey: number;
  /** LIVE_SUBSCRIPTIONS_PER_SERVER: liveKpis subscriptions open at once on this server. */
  liveSubscriptionsPerServer: number;
  /** KPI_RESULT_CACHE_MB: memory for this server's cache of KPI statement results (0: none). */
  kpiResultCacheMb: number;
}

export const DEFAULT_LIMITS: OperationalLimits = {
  maxQueryCost: 500_000,
  statementTimeoutMs: 30_000,
  rateLimitPerMinute: 600,
  authFailuresPerMinute: 20,
  surveyRateLimitPerMinute: 30,
  trustProxy: false,
  maxConcurrentExports: 3,
  liveSubscriptionsPerConnection: 20,
  liveSubscriptionsPerKey: 1_000,
  liveSubscriptionsPerServer: 5_000,
  kpiResultCacheMb: 32,
};

/** A configuration mistake: the message is the one line printed before exiting. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Config {
  // Read again by each invitation (surveys.service.ts); checked here so a bad value stops the start.
  readSurveyInvitationTtl(env.SURVEY_INVITATION_TTL_SECONDS);
  readWebhookAllowPrivate(env); // read again for each webhook and delivery; checked here so a bad value stops the start
  return {
    port: readPort(env.PORT),
    databaseUrl: readDatabaseUrl(env.DATABASE_URL),
    bootstrapApiKey: readBootstrapKey(env.BOOTSTRAP_API_KEY),
    demoData: readBoolean('DEMO_DATA', env.DEMO_DATA),
    logLevel: readLogLevel(env.LOG_LEVEL),
    dataDir: env.CALLPULSE_DATA_DIR?.trim() || '.data',
    limits: {
      maxQueryCost: readWholeNumber('MAX_QUERY_COST', env.MAX_QUERY_COST, DEFAULT_LIMITS.maxQueryCost, 1, 1e12),
      statementTimeoutMs: readWholeNumber('STATEMENT_TIMEOUT_MS', env.STATEMENT_TIMEOUT_MS, DEFAULT_LIMITS.statementTimeoutMs, 0, 86_400_000),
      rateLimitPerMinute: readWholeNumber('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, DEFAULT_LIMITS.rateLimitPerMinute, 0, 1e9),
      authFailuresPerMinute: readWholeNumber('AUTH_FAILURES_PER_MINUTE', env.AUTH_FAILURES_PER_MINUTE, DEFAULT_LIMITS.authFailuresPerMinute, 0, 1e9),
      surveyRateLimitPerMinute: readWholeNumber(
        'SURVEY_RATE_LIMIT_PER_MINUTE',
        env.SURVEY_RATE_LIMIT_PER_MINUTE,
        DEFAULT_LIMITS.surveyRateLimitPerMinute,
        0,
        1e9,
      ),
      trustProxy: readBoolean('TRUST_PROXY', env.TRUST_PROXY) ?? DEFAULT_LIMITS.trustProxy,
      maxConcurrentExports: readWholeNumber('MAX_CONCURRENT_EXPORTS', env.MAX_CONCURRENT_EXPORTS, DEFAULT_LIMITS.maxConcurrentExports, 1, 9),
      liveSubscriptionsPerConnection: readWholeNumber(
        'LIVE_SUBSCRIPTIONS_PER_CONNECTION', env.LIVE_SUBSCRIPTIONS_PER_CONNECTION, DEFAULT_LIMITS.liveSubscriptionsPerConnection, 1, 1_000,
      ),
      liveSubscriptionsPerKey: readWholeNumber('LIVE_SUBSCRIPTIONS_PER_KEY', env.LIVE_SUBSCRIPTIONS_PER_KEY, DEFAULT_LIMITS.liveSubscriptionsPerKey, 1, 100_000),
      liveSubscriptionsPerServer: readWholeNumber(
        'LIVE_SUBSCRIPTIONS_PER_SERVER', env.LIVE_SUBSCRIPTIONS_PER_SERVER, DEFAULT_LIMITS.liveSubscriptionsPerServer, 1, 100_000,
      ),
      kpiResultCacheMb: readWholeNumber('KPI_RESULT_CACHE_MB', env.KPI_RESULT_CACHE_MB, DEFAULT_LIMITS.kpiResultCacheMb, 0, 65_536),
    },
  };
}

function readWholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4000;
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 1 to 65535, got "${raw}"`);
  }
  return port;
}

function readDatabaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError('DATABASE_URL must be a URL such as postgres://user:pass@host:5432/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must use postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  if (url.pathname.length <= 1) throw new ConfigError('DATABASE_URL must name a database (…/dbname)');
  return raw.trim();
}

function readBootstrapKey(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
    throw new ConfigError('BOOTSTRAP_API_KEY must be 1 to 200 printable ASCII characters without spaces');
  }
  return raw;
}

/** WEBHOOK_ALLOW_PRIVATE=1: webhooks may target this machine's loopback (tests, a receiver on the same machine). */
export function readWebhookAllowPrivate(env: Env = process.env): boolean {
  return readBoolean('WEBHOOK_ALLOW_PRIVATE', env.WEBHOOK_ALLOW_PRIVATE) ?? false;
}

function readBoolean(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be 1 or 0 (true/false), got "${raw}"`);
}

function readLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw.trim() === '') return 'info';
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return level as LogLevel;
}

export const DEFAULT_SURVEY_INVITATION_TTL_SECONDS = 7 * 24 * 3600;

/** SURVEY_INVITATION_TTL_SECONDS: whole seconds, default 7 days. Read per invitation, checked at start. */
export function readSurveyInvitationTtl(raw: string | undefined = process.env.SURVEY_INVITATION_TTL_SECONDS): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SURVEY_INVITATION_TTL_SECONDS;
  const seconds = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || seconds < 1 || seconds > 366 * 24 * 3600) {
    throw new ConfigError(`SURVEY_INVITATION_TTL_SECONDS must be a whole number of seconds from 1 to 31622400, got "${raw}"`);
  }
  return seconds;
}
