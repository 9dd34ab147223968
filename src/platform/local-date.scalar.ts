import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { EARLIEST_YEAR, LATEST_YEAR, RefusedValueError, type StorableCheck } from './storable-values';

/**
 * A calendar date without a zone, "2026-10-27" (ISO 8601, four-digit year): the
 * day means the day of whichever zone the query is cut in. Kept as its string.
 */
const FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(value: unknown, node?: import('graphql').ValueNode): string {
  const match = typeof value === 'string' ? FORMAT.exec(value) : null;
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const valid = match && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!valid) throw new GraphQLError(`Date must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}`, { nodes: node, extensions: { code: 'BAD_USER_INPUT' } });
  const problem = yearProblem(value);
  if (problem) throw new RefusedValueError(problem, node);
  return value as string;
}

const yearProblem: StorableCheck = (value) => {
  const year = typeof value === 'string' ? Number(FORMAT.exec(value)?.[1]) : NaN;
  if (!Number.isInteger(year) || (year >= EARLIEST_YEAR && year <= LATEST_YEAR)) return null;
  return { rule: 'YEAR_OUT_OF_RANGE', message: `must be in the years ${EARLIEST_YEAR} to ${LATEST_YEAR}, got year ${year}` };
};

export const LocalDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD" (ISO 8601), in the zone of the query that takes it.',
  extensions: { storableProblem: yearProblem },
  serialize: (value) => parse(value),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined, ast),
});
