import { getNamedType, isNonNullType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { Dimension } from '../analytics/kpi.request';
import { badUserInput } from '../platform/errors';
import type { Cell } from './table-format';

/**
 * The KPI export runs `kpis` itself (the same resolver, validation, cost and
 * limits as any GraphQL request); these are its document and columns (API.md
 * "Exports"): periodStart, periodEnd, periodLabel, the grouped dimensions as keys,
 * then the fields asked for.
 */

const PERIOD_COLUMNS = ['periodStart', 'periodEnd', 'periodLabel'] as const;
/** Dimension columns in the contract's order, whatever the order of groupBy. */
const DIMENSIONS: ReadonlyArray<readonly [Dimension, 'channel' | 'queue' | 'team' | 'agent']> = [
  [Dimension.CHANNEL, 'channel'],
  [Dimension.QUEUE, 'queue'],
  [Dimension.TEAM, 'team'],
  [Dimension.AGENT, 'agent'],
];
const NUMERIC = new Set(['Int', 'Float']);
const NOT_METRICS = new Set<string>([...PERIOD_COLUMNS, ...DIMENSIONS.map(([, column]) => column), 'previous']);

/** KpiRow's metrics: its numeric fields without a required argument (the choices of `fields`), in schema order. */
export function kpiMetricFields(schema: GraphQLSchema): string[] {
  const row = schema.getType('KpiRow') as GraphQLObjectType;
  return Object.values(row.getFields())
    .filter((f) => !NOT_METRICS.has(f.name) && NUMERIC.has(getNamedType(f.type).name) && f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined))
    .map((f) => f.name);
}

/** The `fields` parameter: comma-separated KpiRow metrics; absent or empty, all of them. */
export function parseKpiFields(raw: unknown, metrics: readonly string[]): string[] {
  if (raw === undefined || raw === '') return [...metrics];
  if (typeof raw !== 'string') {
    throw badUserInput('fields: give it once, as comma-separated KpiRow field names', [
      { field: 'fields', rule: 'FORMAT', message: 'must be one comma-separated list' },
    ]);
  }
  const fields = raw.split(',').map((f) => f.trim());
  const known = new Set(metrics);
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length) {
    throw badUserInput(`fields: ${unknown.map((f) => JSON.stringify(f)).join(', ')} not KpiRow metrics; choose among ${metrics.join(', ')}`, [
      ...unknown.map((f) => ({ field: 'fields', rule: 'UNKNOWN_FIELD', message: `${JSON.stringify(f)} is not a KpiRow metric` })),
    ]);
  }
  return [...new Set(fields)];
}

/** The operation the export runs; field names come only from kpiMetricFields (never raw input). */
export function kpiExportDocument(fields: readonly string[]): string {
  return `query KpiExport($query: KpiQuery!) { kpis(query: $query) { rows {
    periodStart periodEnd periodLabel channel queue { key } team { key } agent { key } ${fields.join(' ')} } } }`;
}

export interface KpiExportShape {
  groupBy: readonly Dimension[];
  fields: readonly string[];
}

/** Reads what shapes the columns from the query as sent (valid: `kpis` accepted it). */
export function kpiExportShape(query: Record<string, unknown>, fields: readonly string[]): KpiExportShape {
  return {
    groupBy: Array.isArray(query.groupBy) ? (query.groupBy as Dimension[]) : [],
    fields,
  };
}

export function kpiExportColumns(shape: KpiExportShape): string[] {
  const dimensions = DIMENSIONS.filter(([d]) => shape.groupBy.includes(d)).map(([, column]) => column);
  return [...PERIOD_COLUMNS, ...dimensions, ...shape.fields];
}

interface ExportedRow {
  periodStart: string | null;
  periodEnd: string | null;
  periodLabel: string | null;
  channel: string | null;
  queue: { key: string } | null;
  team: { key: string } | null;
  agent: { key: string } | null;
  [field: string]: unknown;
}

/** One answer row as the cells of kpiExportColumns. */
export function kpiExportCells(row: ExportedRow, shape: KpiExportShape): Cell[] {
  const cells: Cell[] = [row.periodStart, row.periodEnd, row.periodLabel];
  for (const [dimension, column] of DIMENSIONS) {
    if (!shape.groupBy.includes(dimension)) continue;
    const value = row[column];
    cells.push(value === null || typeof value === 'string' ? value : (value as { key: string }).key);
  }
  for (const field of shape.fields) cells.push((row[field] ?? null) as Cell);
  return cells;
}
