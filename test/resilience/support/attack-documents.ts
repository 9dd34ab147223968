/**
 * The documents of the attacks in issue 15, built as text. Pure: sizes are
 * parameters so the unit tests can check the shapes on small ones.
 */

/** `n` aliased fields, each `field` with its alias prefix `a<i>:`, inside one `{ }`. */
export function aliased(n: number, field: string): string {
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = `a${i}: ${field}`;
  return `{ ${parts.join(' ')} }`;
}

/** Erlang C forecast from 52 weeks of history, 15-minute intervals over `range`. */
export function forecastStaffing(from: string, to: string): string {
  return (
    `staffing(query: { range: { from: "${from}", to: "${to}" }, source: FORECAST, weeksOfHistory: 52, intervalMinutes: 15 })` +
    ' { periodStart offered requiredAgents requiredStaff expectedServiceLevel }'
  );
}

/** One month total of `kpis` with a few metrics. */
export function monthTotalKpis(from: string, to: string, timeZone: string): string {
  return `kpis(query: { range: { from: "${from}", to: "${to}" }, timeZone: "${timeZone}" }) { total { offered answered serviceLevel averageHandleTime } }`;
}

/** A report by day and agent: thousands of rows of every metric named. */
export function dailyAgentKpis(from: string, to: string, timeZone: string, metrics: readonly string[]): string {
  return (
    `kpis(query: { range: { from: "${from}", to: "${to}" }, timeZone: "${timeZone}", granularity: DAY, groupBy: [AGENT] })` +
    ` { rows { periodStart agent { key } ${metrics.join(' ')} } }`
  );
}

/** `slaPolicies { versions { versions { … } } }` nested `depth` times under the list. */
export function nestedVersions(depth: number): string {
  let inner = 'id effectiveFrom';
  for (let i = 0; i < depth; i++) inner = `id versions { ${inner} }`;
  return `{ slaPolicies { ${inner} } }`;
}

/** `depth` inline fragments on Query nested in one another around `__typename`. */
export function nestedFragments(depth: number): string {
  return `{ ${'... on Query { '.repeat(depth)}__typename${' }'.repeat(depth)} }`;
}

/** `__typename` carrying `n` `@include(if: true)` directives. */
export function manyDirectives(n: number): string {
  return `{ __typename${' @include(if: true)'.repeat(n)} }`;
}

/** A JSON request body of `aliases` aliased `__typename` fields (550,000 make 10.9 MB). */
export function typenameFloodBody(aliases: number): string {
  return JSON.stringify({ query: aliased(aliases, '__typename') });
}
