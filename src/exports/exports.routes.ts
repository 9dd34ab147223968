import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import type express from 'express';
import type { ClientConfig } from 'pg';
import { getVariableValues, GraphQLError, parse, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { parseContactSelection, type ContactSelectionArgs } from '../contacts/contacts.query.service';
import type { Context } from '../org/context';
import { RETRY_AFTER_SECONDS } from '../platform/db-failures';
import { badUserInput } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { CONTACT_EXPORT_COLUMNS, contactExportQuery } from './contacts.export';
import { streamCursor } from './cursor-stream';
import { kpiExportCells, kpiExportColumns, kpiExportDocument, kpiExportShape, kpiMetricFields, parseKpiFields } from './kpis.export';
import { CONTENT_TYPES, headerLine, rowLine, type ExportFormat } from './table-format';
import { errorBody } from '../platform/errors';

/**
 * GET /export/kpis.(csv|ndjson) and /export/contacts.(csv|ndjson) (API.md "Exports").
 * Both run their GraphQL field first through Apollo (`kpis`, or `contacts` for one
 * contact): the same authorization, input coercion and validation messages, cost
 * limit and database-failure answers as /graphql, not a copy of them. Contacts then
 * stream from a server-side cursor (cursor-stream.ts). At most MAX_CONCURRENT_EXPORTS
 * run at once; the router in http.ts adds CORS, the per-key rate limit, early
 * authentication and the disconnect guard.
 */

export interface ExportDeps {
  apollo: ApolloServer<Context>;
  schema: GraphQLSchema;
  orm: MikroORM;
  contextOf(req: express.Request): Context;
  maxConcurrentExports: number;
  /** The cursor's own connection (cursor-stream.ts): the database and the request sessions' statement timeout. */
  cursorConnection: ClientConfig;
  logger: Logger;
}

/** The arguments of `contacts` an export takes (not the page's). */
const CONTACT_ARGS = ['range', 'filter', 'answered', 'minWaitSeconds'] as const;
/** Checks the arguments exactly as `contacts` does, on one contact, before the cursor opens. */
const CONTACTS_CHECK = `query ContactsExportCheck($range: TimeRange!, $filter: ContactFilter, $answered: Boolean, $minWaitSeconds: Int) {
  contacts(range: $range, filter: $filter, answered: $answered, minWaitSeconds: $minWaitSeconds, first: 1) { pageInfo { hasNextPage } } }`;
const CONTACTS_CHECK_OPERATION = parse(CONTACTS_CHECK).definitions[0] as OperationDefinitionNode;

/** KPI rows written per chunk: the report is in memory already; the socket sets the pace. */
const KPI_ROWS_PER_WRITE = 1_000;

export function mountExports(router: express.Router, deps: ExportDeps): void {
  const metrics = kpiMetricFields(deps.schema);
  let running = 0;

  router.get('/:file', (req, res, next) => {
    const match = /^(kpis|contacts)\.(csv|ndjson)$/.exec(req.params.file ?? '');
    if (!match) return next();
    if (running >= deps.maxConcurrentExports) return busy(res, deps.maxConcurrentExports);
    running++;
    res.once('close', () => running--);
    const [, what, format] = match as unknown as [string, 'kpis' | 'contacts', ExportFormat];
    const exported = what === 'kpis' ? exportKpis(req, res, format) : exportContacts(req, res, format);
    exported.catch((error: unknown) => {
      if (error instanceof GraphQLError) return answerErrors(res, [error.toJSON()]);
      next(error); // database failures: 503 DATABASE_UNAVAILABLE / SERVER_BUSY from http.ts's handler
    });
  });

  async function exportKpis(req: express.Request, res: express.Response, format: ExportFormat): Promise<void> {
    const query = jsonParameter(req.query.query);
    const fields = parseKpiFields(req.query.fields, metrics);
    const result = await execute(req, kpiExportDocument(fields), { query });
    if (!result.ok) return answerErrors(res, result.errors, result.status);
    const rows = (result.data as { kpis: { rows: Array<Record<string, unknown>> } }).kpis.rows;
    const shape = kpiExportShape(query, fields);
    const columns = kpiExportColumns(shape);
    startDownload(res, format, 'kpis');
    res.write(headerLine(format, columns));
    for (let i = 0; i < rows.length && !res.destroyed; i += KPI_ROWS_PER_WRITE) {
      let chunk = '';
      for (const row of rows.slice(i, i + KPI_ROWS_PER_WRITE)) chunk += rowLine(format, columns, kpiExportCells(row as never, shape));
      if (!res.write(chunk)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    }
    res.end();
  }

  async function exportContacts(req: express.Request, res: express.Response, format: ExportFormat): Promise<void> {
    const query = jsonParameter(req.query.query);
    const unknown = Object.keys(query).filter((key) => !(CONTACT_ARGS as readonly string[]).includes(key));
    if (unknown.length) {
      throw badUserInput(`query: ${unknown.map((k) => JSON.stringify(k)).join(', ')} not arguments of contacts; use ${CONTACT_ARGS.join(', ')}`, [
        ...unknown.map((k) => ({ field: `query.${k}`, rule: 'UNKNOWN_ARGUMENT', message: `not an argument of contacts` })),
      ]);
    }
    const context = deps.contextOf(req);
    const result = await execute(req, CONTACTS_CHECK, query, context);
    if (!result.ok) return answerErrors(res, result.errors, result.status);
    // Accepted by `contacts`: coercion cannot fail now; the values come typed (Dates, …).
    const coerced = getVariableValues(deps.schema, CONTACTS_CHECK_OPERATION.variableDefinitions ?? [], query);
    const principal = (await context.principal())!;
    const selection = await parseContactSelection(deps.orm.em.fork(), principal.organizationId, coerced.coerced as unknown as ContactSelectionArgs);
    await streamCursor({
      connection: deps.cursorConnection,
      query: contactExportQuery(principal.organizationId, selection, format),
      header: headerLine(format, CONTACT_EXPORT_COLUMNS),
      res,
      logger: deps.logger,
      start: () => startDownload(res, format, 'contacts'),
    });
  }

  type Executed = { ok: true; data: unknown } | { ok: false; errors: readonly GraphQLFormattedError[]; status: number | undefined };

  async function execute(req: express.Request, document: string, variables: Record<string, unknown>, context = deps.contextOf(req)): Promise<Executed> {
    const response = await deps.apollo.executeOperation({ query: document, variables }, { contextValue: context });
    if (response.body.kind !== 'single') throw new Error('an export operation answered incrementally');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) return { ok: false, errors, status: response.http.status };
    return { ok: true, data };
  }
}

/** The `query` parameter: URL-encoded JSON of an object. */
function jsonParameter(raw: unknown): Record<string, unknown> {
  const refuse = (message: string) => badUserInput(`query: ${message}`, [{ field: 'query', rule: 'FORMAT', message }]);
  if (typeof raw !== 'string') throw refuse('required once, as URL-encoded JSON');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw refuse(`not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse('must be a JSON object');
  return value as Record<string, unknown>;
}

function startDownload(res: express.Response, format: ExportFormat, name: string): void {
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
}

/** The HTTP status of a refused export: the GraphQL answer's when it set one, else by the first error's code. */
const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  RATE_LIMITED: 429,
  TIMEOUT: 503,
};

/** Errors in the body GraphQL would give (`{ errors: [...] }`), with a status a download client notices. */
function answerErrors(res: express.Response, errors: readonly GraphQLFormattedError[], status?: number): void {
  const code = String(errors[0]?.extensions?.code ?? '');
  const chosen = status && status >= 400 ? status : (STATUS_BY_CODE[code] ?? 500);
  res.status(chosen).setHeader('Cache-Control', 'no-store').json({ errors });
}

function busy(res: express.Response, max: number): void {
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.status(503).json(
    errorBody(`Every export slot is busy (MAX_CONCURRENT_EXPORTS: ${max} at once); retry in ${RETRY_AFTER_SECONDS} seconds`, {
      code: 'SERVER_BUSY',
      limit: 'MAX_CONCURRENT_EXPORTS',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    }),
  );
}
