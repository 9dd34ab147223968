/**
 * Wallboard: one day (today by default) by 15 minutes for the whole center, a
 * queue or a team — offered, answered, service level against its target, ASA,
 * abandonment, the longest wait, agents staffed against required. The figures
 * come live from `liveKpis` (useLiveKpis: pushed after every write that
 * changes them, or polled every 15 s where the socket cannot be opened); the
 * staffing plan is read again after a pushed change, at most every 15 s.
 */
import { useEffect, useMemo, useState } from 'react';
import { Chart } from '../chart.jsx';
import { addDays, clockIn, isDate, localDate, todayIn } from '../dates.js';
import { DateField, NumberField, ScopeSelect, Status, scopeFilter } from '../fields.jsx';
import { formatValue } from '../format.js';
import { useLiveKpis, useQuery, useThrottled } from '../data.js';
import { LiveIndicator } from '../live-indicator.jsx';
import { REFRESH_MS } from '../live-state.js';
import { formatHash } from '../route.js';
import { Table } from '../table.jsx';

const FIGURES = 'offered answered abandoned serviceLevel averageSpeedOfAnswer abandonRate longestWait: waitTimePercentile(p: 1)';
/**
 * The live report's fields. loggedInSeconds is not shown: it makes agent
 * activity change the report, so an activity write is pushed too and the
 * staffing plan (agents staffed) is read again.
 */
const SELECTION = `rows { periodStart periodLabel ${FIGURES} } total { ${FIGURES} loggedInSeconds }`;
const STAFFING = `query WallboardStaffing($staffing: StaffingQuery!) {
  staffing(query: $staffing) { periodStart requiredStaff staffedAgents }
}`;
/**
 * The staffing plan is read again at most this often after pushed changes: a
 * busy day pushes every second, and every wallboard on one key reading the
 * plan as often would use up the key's rate limit (RATE_LIMIT_PER_MINUTE).
 */
const STAFFING_REFRESH_MS = REFRESH_MS;

/** The newest contact of the scope within the 400 days a contact list may span, for a day without any. */
const LATEST = `query WallboardLatest($dates: DateRange!, $timeZone: String, $filter: ContactFilter) {
  contacts(dates: $dates, timeZone: $timeZone, filter: $filter, first: 1) { edges { node { offeredAt } } } }`;

/** How often an open wallboard without a chosen day checks whether the zone's day has turned. */
const DAY_CHECK_MS = 30_000;

/**
 * Today in the zone, turning at its midnight: a wall screen left on overnight
 * shows the new day (and subscribes to it) within DAY_CHECK_MS.
 */
function useToday(timeZone) {
  const [today, setToday] = useState(() => todayIn(timeZone));
  useEffect(() => {
    setToday(todayIn(timeZone));
    const timer = setInterval(() => setToday(todayIn(timeZone)), DAY_CHECK_MS);
    return () => clearInterval(timer);
  }, [timeZone]);
  return today;
}

/** today: the zone's date now, the day shown unless params.date chooses one. */
export function wallboardQuestion(params, context, today = todayIn(context.timeZone)) {
  const date = isDate(params.date) ? params.date : today;
  const threshold = Number.isInteger(Number(params.threshold)) && params.threshold !== undefined && params.threshold !== '' ? Number(params.threshold) : 20;
  const target = params.target !== undefined && params.target !== '' && Number.isFinite(Number(params.target)) ? Number(params.target) : 80;
  const scope = params.scope ?? 'all';
  const filter = scopeFilter(scope);
  const common = { dates: { from: date, to: date }, timeZone: context.timeZone, ...(filter ? { filter } : {}) };
  return {
    date,
    threshold,
    target,
    scope,
    variables: {
      query: { ...common, granularity: 'FIFTEEN_MINUTES', serviceLevelThresholdSeconds: threshold },
      staffing: { ...common, intervalMinutes: 15, thresholdSeconds: threshold, targetServiceLevel: target / 100 },
    },
  };
}

/** One line per 15 minutes with contacts or staffing: the report's rows joined with the staffing plan's. */
export function wallboardRows(data) {
  const byStart = new Map();
  for (const row of data.kpis.rows) byStart.set(Date.parse(row.periodStart), { ...row });
  for (const interval of data.staffing) {
    const at = Date.parse(interval.periodStart);
    const busy = interval.requiredStaff > 0 || (interval.staffedAgents ?? 0) > 0;
    if (!byStart.has(at) && !busy) continue;
    byStart.set(at, { periodStart: interval.periodStart, ...byStart.get(at), requiredStaff: interval.requiredStaff, staffedAgents: interval.staffedAgents });
  }
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

function Tile({ label, value, unit, status, note, name }) {
  return (
    <div className={`tile ${status ?? ''}`} data-tile={name}>
      <div className="tile-label">{label}</div>
      <div className="tile-value" data-value={String(value ?? '')}>{formatValue(value, unit)}</div>
      {note ? <div className="tile-note">{note}</div> : null}
    </div>
  );
}

export function Wallboard({ api, params, setParams, context }) {
  const today = useToday(context.timeZone);
  const q = wallboardQuestion(params, context, today);
  const state = useLiveKpis(api, SELECTION, q.variables.query);
  const refreshStaffing = useThrottled(state.version, STAFFING_REFRESH_MS);
  const plan = useQuery(api, STAFFING, { staffing: q.variables.staffing }, state.version > 0, refreshStaffing);
  const rows = useMemo(() => (state.data ? wallboardRows({ kpis: state.data, staffing: plan.data?.staffing ?? [] }) : []), [state.data, plan.data]);
  const total = state.data?.total;
  // The last interval anyone was staffed in or contacts arrived in: "now" on a live day.
  const latest = rows.findLast((r) => r.staffedAgents != null || r.offered > 0);
  const target = q.target / 100;
  const empty = total?.offered === 0;
  const newest = useQuery(
    api,
    LATEST,
    { dates: { from: addDays(q.date, -399), to: q.date }, timeZone: context.timeZone, filter: q.variables.query.filter ?? null },
    empty,
  );
  const latestDay = empty && newest.data?.contacts.edges[0] ? localDate(context.timeZone, newest.data.contacts.edges[0].node.offeredAt) : null;
  const slStatus = total?.serviceLevel == null ? 'no-data' : total.serviceLevel >= target ? 'met' : 'breached';

  const x = rows.map((r) => r.periodStart);
  const volume = useMemo(() => [{ label: 'Offered', values: rows.map((r) => r.offered ?? 0), bars: true }, { label: 'Answered', values: rows.map((r) => r.answered ?? 0) }], [rows]);
  const level = useMemo(() => [{ label: 'Service level', values: rows.map((r) => r.serviceLevel ?? null) }, { label: 'Target', values: rows.map(() => target), dash: [6, 4], color: '#b91c1c' }], [rows, target]);
  const staffing = useMemo(() => [{ label: 'Required staff', values: rows.map((r) => r.requiredStaff ?? null), dash: [6, 4] }, { label: 'Staffed agents', values: rows.map((r) => r.staffedAgents ?? null) }], [rows]);

  const columns = [
    { key: 'interval', label: 'Interval', value: (r) => clockIn(r.periodStart, context.timeZone) },
    { key: 'offered', label: 'Offered', unit: 'count', value: (r) => r.offered ?? 0 },
    { key: 'answered', label: 'Answered', unit: 'count', value: (r) => r.answered ?? 0 },
    { key: 'serviceLevel', label: `Service level (${q.threshold} s)`, unit: 'ratio', value: (r) => r.serviceLevel ?? null },
    { key: 'averageSpeedOfAnswer', label: 'ASA', unit: 'seconds', value: (r) => r.averageSpeedOfAnswer ?? null },
    { key: 'abandonRate', label: 'Abandon rate', unit: 'ratio', value: (r) => r.abandonRate ?? null },
    { key: 'longestWait', label: 'Longest wait', unit: 'seconds', value: (r) => r.longestWait ?? null },
    { key: 'requiredStaff', label: 'Required staff', unit: 'count', value: (r) => r.requiredStaff ?? null },
    { key: 'staffedAgents', label: 'Staffed agents', unit: 'decimal', value: (r) => r.staffedAgents ?? null },
  ];

  return (
    <>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <ScopeSelect value={q.scope} onChange={(scope) => setParams({ scope })} directory={context.directory} />
        <DateField label="Day" value={q.date} onChange={(date) => setParams({ date })} />
        <NumberField label="Threshold T (s)" value={q.threshold} min={0} max={86400} onChange={(threshold) => setParams({ threshold })} />
        <NumberField label="Service level target (%)" value={q.target} min={1} max={99} onChange={(target) => setParams({ target })} />
        <LiveIndicator live={state.live} updatedAt={state.updatedAt} />
      </form>
      <Status state={state} />
      {plan.error ? <p role="alert" className="problem">Staffing: {plan.error}</p> : null}
      {latestDay ? (
        <p className="hint">
          No contacts on {q.date}. The latest day with contacts is{' '}
          <a href={formatHash('wallboard', { ...params, date: latestDay })}>{latestDay}</a>.
        </p>
      ) : null}
      {total ? (
        <>
          <div className="tiles">
            <Tile name="offered" label="Offered" value={total.offered} unit="count" />
            <Tile name="answered" label="Answered" value={total.answered} unit="count" />
            <Tile name="serviceLevel" label={`Service level (${q.threshold} s)`} value={total.serviceLevel} unit="ratio" status={slStatus} note={`target ${q.target} % · ${slStatus === 'met' ? 'met' : slStatus === 'breached' ? 'below target' : 'no data'}`} />
            <Tile name="averageSpeedOfAnswer" label="ASA" value={total.averageSpeedOfAnswer} unit="seconds" />
            <Tile name="abandonRate" label="Abandon rate" value={total.abandonRate} unit="ratio" />
            <Tile name="longestWait" label="Longest wait" value={total.longestWait} unit="seconds" />
            <Tile
              name="staffedAgents"
              label={`Staffed / required${latest ? ` at ${clockIn(latest.periodStart, context.timeZone)}` : ''}`}
              value={latest?.staffedAgents ?? null}
              unit="decimal"
              status={latest && latest.requiredStaff != null && (latest.staffedAgents ?? 0) < latest.requiredStaff ? 'breached' : undefined}
              note={latest?.requiredStaff != null ? `required ${latest.requiredStaff}` : 'no staffing data'}
            />
          </div>
          <div className="charts">
            <Chart title="Offered and answered per 15 minutes" x={x} series={volume} timeZone={context.timeZone} height={200} />
            <Chart title="Service level against target" x={x} series={level} unit="ratio" timeZone={context.timeZone} height={200} />
            <Chart title="Agents staffed against required" x={x} series={staffing} unit="decimal" timeZone={context.timeZone} height={200} />
          </div>
          <Table caption="Per 15 minutes" columns={columns} rows={rows} api={api} csvName={`wallboard-${q.date}.csv`} />
        </>
      ) : null}
    </>
  );
}
