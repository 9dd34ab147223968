/**
 * Explore: any KpiRow metric × grouping × granularity × filter, as a chart and
 * a table, with the previous period beside each figure (compareWithPrevious).
 */
import { useMemo } from 'react';
import { Chart } from '../chart.jsx';
import { addDays, isDate, todayIn } from '../dates.js';
import { Checkbox, DateField, ScopeSelect, Select, Status, scopeFilter } from '../fields.jsx';
import { formatValue, labelOf, unitOf } from '../format.js';
import { useQuery } from '../data.js';
import { Table } from '../table.jsx';

const GROUPINGS = ['', 'CHANNEL', 'QUEUE', 'TEAM', 'AGENT'];
const GRANULARITIES = ['', 'FIFTEEN_MINUTES', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];
const CHANNELS = ['', 'VOICE', 'CHAT', 'EMAIL', 'MESSAGING'];
/** Lines drawn at most; the table has every group. */
const MAX_SERIES = 10;

/** The view's question from its URL params, with defaults (the last 7 days by day). */
export function exploreQuestion(params, context) {
  const metric = context.metrics.some((m) => m.name === params.metric) ? params.metric : 'serviceLevel';
  const to = isDate(params.to) ? params.to : addDays(todayIn(context.timeZone), -1);
  const from = isDate(params.from) ? params.from : addDays(to, -6);
  const groupBy = GROUPINGS.includes(params.groupBy) ? params.groupBy : '';
  // No param: by day; NONE: one period (an empty param would read as "no param").
  const granularity = params.granularity === 'NONE' ? '' : GRANULARITIES.includes(params.granularity) && params.granularity ? params.granularity : 'DAY';
  const channel = CHANNELS.includes(params.channel) ? params.channel : '';
  const scope = params.scope ?? 'all';
  const compare = params.compare === '1';
  const filter = { ...scopeFilter(scope), ...(channel ? { channels: [channel] } : {}) };
  const query = {
    dates: { from, to },
    timeZone: context.timeZone,
    ...(groupBy ? { groupBy: [groupBy] } : {}),
    ...(granularity ? { granularity } : {}),
    ...(Object.keys(filter).length ? { filter } : {}),
    ...(compare ? { compareWithPrevious: true } : {}),
  };
  return { metric, from, to, groupBy, granularity, channel, scope, compare, query };
}

/** The document of a question; the metric is a KpiRow field name checked against the schema's list. */
export function exploreDocument(metric, compare) {
  return `query Explore($query: KpiQuery!) { kpis(query: $query) {
    rows { periodStart periodLabel channel queue { key name } team { key name } agent { key name } value: ${metric} ${compare ? `previous { value: ${metric} }` : ''} }
    total { value: ${metric} ${compare ? `previous { value: ${metric} }` : ''} } } }`;
}

export function groupLabel(row) {
  return row.channel ?? row.queue?.name ?? row.team?.name ?? row.agent?.name ?? (row.periodLabel === undefined ? 'all' : 'none');
}

export function Explore({ api, params, setParams, context }) {
  const q = exploreQuestion(params, context);
  const document = useMemo(() => exploreDocument(q.metric, q.compare), [q.metric, q.compare]);
  const state = useQuery(api, document, { query: q.query });
  const unit = unitOf(q.metric);
  const rows = state.data?.kpis.rows ?? [];

  const chart = useMemo(() => {
    if (!q.granularity) {
      return { labels: rows.map((r) => (q.groupBy ? groupLabel(r) : 'total')), series: [{ label: labelOf(q.metric), values: rows.map((r) => r.value), bars: true }] };
    }
    const periods = [...new Set(rows.map((r) => r.periodStart))];
    const index = new Map(periods.map((p, i) => [p, i]));
    const groups = new Map();
    for (const row of rows) {
      const label = q.groupBy ? groupLabel(row) : labelOf(q.metric);
      if (!groups.has(label)) groups.set(label, periods.map(() => null));
      groups.get(label)[index.get(row.periodStart)] = row.value;
    }
    const series = [...groups.entries()].slice(0, MAX_SERIES).map(([label, values]) => ({ label, values }));
    if (q.compare && !q.groupBy) series.push({ label: 'previous period', values: periods.map((p) => rows.find((r) => r.periodStart === p)?.previous?.value ?? null), dash: [6, 4] });
    // Periods by their label in the organization's zone, as in the table.
    const labels = periods.map((p) => rows.find((r) => r.periodStart === p).periodLabel);
    return { labels, series };
  }, [rows, q.granularity, q.groupBy, q.metric, q.compare]);

  const columns = [
    ...(q.granularity ? [{ key: 'period', label: 'Period', value: (r) => r.periodLabel }] : []),
    ...(q.groupBy ? [{ key: 'group', label: labelOf(q.groupBy.toLowerCase()), value: groupLabel }] : []),
    { key: 'value', label: labelOf(q.metric), unit, value: (r) => r.value },
    ...(q.compare
      ? [
          { key: 'previous', label: 'Previous period', unit, value: (r) => r.previous?.value ?? null },
          { key: 'change', label: 'Change', unit, value: (r) => (r.value != null && r.previous?.value != null ? r.value - r.previous.value : null) },
        ]
      : []),
  ];
  const total = state.data?.kpis.total;
  const metricOptions = context.metrics.map((m) => ({ value: m.name, label: labelOf(m.name) }));
  const enumOptions = (values, none) => values.map((v) => ({ value: v, label: v ? labelOf(v.toLowerCase().replace(/_(\w)/g, (_m, c) => c.toUpperCase())) : none }));

  return (
    <>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <Select label="Metric" value={q.metric} onChange={(metric) => setParams({ metric })} options={metricOptions} />
        <Select label="Group by" value={q.groupBy} onChange={(groupBy) => setParams({ groupBy })} options={enumOptions(GROUPINGS, 'No grouping')} />
        <Select label="Granularity" value={q.granularity} onChange={(granularity) => setParams({ granularity: granularity || 'NONE' })} options={enumOptions(GRANULARITIES, 'One period')} />
        <DateField label="From" value={q.from} onChange={(from) => setParams({ from })} />
        <DateField label="To" value={q.to} onChange={(to) => setParams({ to })} />
        <ScopeSelect value={q.scope} onChange={(scope) => setParams({ scope })} directory={context.directory} />
        <Select label="Channel" value={q.channel} onChange={(channel) => setParams({ channel })} options={enumOptions(CHANNELS, 'All channels')} />
        <Checkbox label="Compare with previous period" checked={q.compare} onChange={(on) => setParams({ compare: on ? '1' : '' })} />
      </form>
      <Status state={state} />
      {state.data ? (
        <>
          <p className="total" data-testid="explore-total">
            {labelOf(q.metric)} over the whole range: <strong data-value={String(total.value ?? '')}>{formatValue(total.value, unit)}</strong>
            {q.compare ? <> (previous: <span data-value={String(total.previous?.value ?? '')}>{formatValue(total.previous?.value, unit)}</span>)</> : null}
          </p>
          <Chart title={`${labelOf(q.metric)}${q.groupBy ? ` by ${q.groupBy.toLowerCase()}` : ''}`} labels={chart.labels} series={chart.series} unit={unit} timeZone={context.timeZone} />
          <Table
            caption={`${labelOf(q.metric)} per ${[q.granularity ? 'period' : '', q.groupBy.toLowerCase()].filter(Boolean).join(' and ') || 'range'}`}
            columns={columns}
            rows={rows}
            api={api}
            exportFile="kpis.csv"
            exportParams={{ query: JSON.stringify(q.query), fields: q.metric }}
          />
        </>
      ) : null}
    </>
  );
}
