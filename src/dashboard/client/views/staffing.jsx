/**
 * Staffing: agents required (Erlang C, from the day's actual or forecast
 * volume) against agents staffed (agent activity), per interval of a day.
 */
import { useMemo } from 'react';
import { Chart } from '../chart.jsx';
import { clockIn, isDate, todayIn } from '../dates.js';
import { DateField, NumberField, ScopeSelect, Select, Status, scopeFilter } from '../fields.jsx';
import { useQuery } from '../data.js';
import { Table } from '../table.jsx';

const DOCUMENT = `query Staffing($query: StaffingQuery!) { staffing(query: $query) {
  periodStart offered averageHandleTime trafficErlangs requiredAgents requiredStaff expectedServiceLevel staffedAgents gap } }`;

const number = (value, fallback) => (value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : fallback);

export function staffingQuestion(params, context) {
  const date = isDate(params.date) ? params.date : todayIn(context.timeZone);
  const interval = [15, 30, 60].includes(Number(params.interval)) ? Number(params.interval) : 30;
  const source = params.source === 'FORECAST' ? 'FORECAST' : 'ACTUAL';
  const target = number(params.target, 80);
  const threshold = number(params.threshold, 20);
  const shrinkage = number(params.shrinkage, 30);
  const scope = params.scope ?? 'all';
  const filter = scopeFilter(scope);
  return {
    date, interval, source, target, threshold, shrinkage, scope,
    query: {
      dates: { from: date, to: date }, timeZone: context.timeZone, ...(filter ? { filter } : {}),
      intervalMinutes: interval, source, targetServiceLevel: target / 100, thresholdSeconds: threshold, shrinkage: shrinkage / 100,
    },
  };
}

export function Staffing({ api, params, setParams, context }) {
  const q = staffingQuestion(params, context);
  const state = useQuery(api, DOCUMENT, { query: q.query });
  const rows = state.data?.staffing ?? [];
  const x = rows.map((r) => r.periodStart);
  const series = useMemo(
    () => [
      { label: 'Required staff', values: rows.map((r) => r.requiredStaff), dash: [6, 4] },
      { label: 'Required agents (on contacts)', values: rows.map((r) => r.requiredAgents), dash: [2, 3] },
      { label: 'Staffed agents', values: rows.map((r) => r.staffedAgents ?? null), width: 2.5 },
    ],
    [rows],
  );
  return (
    <>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <ScopeSelect value={q.scope} onChange={(scope) => setParams({ scope })} directory={context.directory} />
        <DateField label="Day" value={q.date} onChange={(date) => setParams({ date })} />
        <Select label="Interval" value={String(q.interval)} onChange={(interval) => setParams({ interval })} options={[15, 30, 60].map((m) => ({ value: String(m), label: `${m} minutes` }))} />
        <Select label="Volume" value={q.source} onChange={(source) => setParams({ source })} options={[{ value: 'ACTUAL', label: 'Actual' }, { value: 'FORECAST', label: 'Forecast (4 weeks)' }]} />
        <NumberField label="Service level target (%)" value={q.target} min={1} max={99} onChange={(target) => setParams({ target })} />
        <NumberField label="Threshold T (s)" value={q.threshold} min={0} onChange={(threshold) => setParams({ threshold })} />
        <NumberField label="Shrinkage (%)" value={q.shrinkage} min={0} max={99} onChange={(shrinkage) => setParams({ shrinkage })} />
      </form>
      <Status state={state} />
      {state.data ? (
        <>
          <Chart title="Agents required against staffed" x={x} series={series} unit="decimal" timeZone={context.timeZone} />
          <Table
            caption="Per interval"
            api={api}
            csvName={`staffing-${q.date}.csv`}
            rows={rows}
            rowClass={(r) => (r.gap != null && r.gap < 0 ? 'short' : undefined)}
            columns={[
              { key: 'interval', label: 'Interval', value: (r) => clockIn(r.periodStart, context.timeZone) },
              { key: 'offered', label: q.source === 'ACTUAL' ? 'Offered' : 'Offered (forecast)', unit: 'decimal', value: (r) => r.offered },
              { key: 'averageHandleTime', label: 'AHT', unit: 'seconds', value: (r) => r.averageHandleTime },
              { key: 'trafficErlangs', label: 'Traffic (Erlangs)', unit: 'decimal', value: (r) => r.trafficErlangs },
              { key: 'requiredAgents', label: 'Required agents', unit: 'count', value: (r) => r.requiredAgents },
              { key: 'requiredStaff', label: 'Required staff', unit: 'count', value: (r) => r.requiredStaff },
              { key: 'staffedAgents', label: 'Staffed agents', unit: 'decimal', value: (r) => r.staffedAgents },
              { key: 'gap', label: 'Gap', unit: 'decimal', value: (r) => r.gap },
              { key: 'expectedServiceLevel', label: 'Expected SL', unit: 'ratio', value: (r) => r.expectedServiceLevel },
            ]}
          />
        </>
      ) : null}
    </>
  );
}
