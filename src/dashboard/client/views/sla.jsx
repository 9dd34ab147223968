/**
 * SLA review: a policy and a period — the scorecard with each target's status
 * in colour, each target's trend over the last 12 periods with its moving
 * average and target line (slaTrend), the worst teams or agents (the
 * drill-down, worst first), and a link to the contacts behind each card.
 */
import { useMemo } from 'react';
import { Chart } from '../chart.jsx';
import { isDate, localDate, todayIn } from '../dates.js';
import { DateField, Select, Status } from '../fields.jsx';
import { formatValue, labelOf, unitOf } from '../format.js';
import { useQuery } from '../data.js';
import { formatHash } from '../route.js';
import { Table } from '../table.jsx';

const POLICIES = `query SlaPolicies { slaPolicies { id name period timeZone
  scope { channels queueIds teamIds agentIds } targets { metric comparator target warning } } }`;
const CARD = 'periodStart periodEnd channel queue { id name } team { id name } agent { id name } unassigned met atRisk breached noData compliance targets { metric comparator target warning actual status previous change }';
const REVIEW = `query SlaReview($policyId: ID!, $at: DateTime!, $drillDown: Dimension) {
  card: slaScorecard(policyId: $policyId, periodContaining: $at, drillDown: $drillDown) { ${CARD} }
  trend: slaTrend(policyId: $policyId, periods: 12, endingWith: $at) { scorecards { periodStart } targets { metric values movingAverage slope improving breachStreak } }
}`;
const TREND_PERIODS = 12;
const STATUS_TEXT = { MET: 'Met', AT_RISK: 'At risk', BREACHED: 'Breached', NO_DATA: 'No data' };

/** Every dimension a scorecard can be drilled down by (the unassigned card holds the contacts without one). */
const DRILL_DOWNS = [
  { value: 'TEAM', label: 'Team' },
  { value: 'AGENT', label: 'Agent' },
  { value: 'QUEUE', label: 'Queue' },
  { value: 'CHANNEL', label: 'Channel' },
];

export function StatusBadge({ status }) {
  return <span className={`status ${status}`}>{STATUS_TEXT[status] ?? status}</span>;
}

/** The contacts view's hash for a card: its period, the policy's scope, and the card's channel, queue, team or agent. */
export function contactsHash(policy, card) {
  const scope = policy.scope ?? {};
  const list = (values) => (values?.length ? values.join(',') : undefined);
  return formatHash('contacts', {
    from: card.periodStart,
    to: card.periodEnd,
    channels: card.channel ? card.channel : list(scope.channels),
    queueIds: card.queue ? card.queue.id : list(scope.queueIds),
    teamIds: card.team ? card.team.id : list(scope.teamIds),
    agentIds: card.agent ? card.agent.id : list(scope.agentIds),
  });
}

export function SlaReview({ api, params, setParams, context }) {
  const policies = useQuery(api, POLICIES, {});
  const list = policies.data?.slaPolicies ?? [];
  const policy = list.find((p) => p.id === params.policy) ?? list[0];
  const date = isDate(params.at) ? params.at : todayIn(policy?.timeZone ?? context.timeZone);
  const drillDown = DRILL_DOWNS.some((d) => d.value === params.drill) ? params.drill : 'TEAM';
  const drillLabel = DRILL_DOWNS.find((d) => d.value === drillDown).label;
  // Noon UTC of the date lies inside that date in every zone within ±12 h of UTC.
  const variables = { policyId: policy?.id, at: `${date}T12:00:00Z`, drillDown };
  const review = useQuery(api, REVIEW, variables, Boolean(policy));

  if (policies.data && list.length === 0) return <p>No SLA policy yet: create one with <code>createSlaPolicy</code>.</p>;
  const cards = review.data?.card ?? [];
  const [overall, ...drilled] = cards;
  const trend = review.data?.trend;

  return (
    <>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        {policy ? <Select label="Policy" value={policy.id} onChange={(id) => setParams({ policy: id })} options={list.map((p) => ({ value: p.id, label: `${p.name} (${p.period.toLowerCase()})` }))} /> : null}
        <DateField label="Period containing" value={date} onChange={(at) => setParams({ at })} />
        <Select label="Worst by" value={drillDown} onChange={(drill) => setParams({ drill })} options={DRILL_DOWNS} />
      </form>
      <Status state={policies.error ? policies : review} />
      {overall && policy ? (
        <>
          <p className="total">
            {policy.name}, {localDate(policy.timeZone, overall.periodStart)} to {localDate(policy.timeZone, Date.parse(overall.periodEnd) - 1)} ({policy.timeZone}):
            compliance <strong data-testid="sla-compliance" data-value={String(overall.compliance ?? '')}>{formatValue(overall.compliance, 'ratio')}</strong>
            {' · '}{overall.met} met, {overall.atRisk} at risk, {overall.breached} breached, {overall.noData} without data ·{' '}
            <a href={contactsHash(policy, overall)}>Contacts behind this card</a>
          </p>
          <Table
            caption="Scorecard"
            api={api}
            csvName="scorecard.csv"
            rows={overall.targets}
            columns={[
              { key: 'metric', label: 'Target', value: (t) => t.metric, render: (t) => labelOf(t.metric) },
              { key: 'rule', label: 'Rule', value: (t) => `${t.comparator === 'AT_LEAST' ? '≥' : '≤'} ${formatValue(t.target, unitOf(t.metric))}${t.warning != null ? ` (warning ${formatValue(t.warning, unitOf(t.metric))})` : ''}` },
              { key: 'actual', label: 'Actual', unit: 'ratio', value: (t) => t.actual, render: (t) => formatValue(t.actual, unitOf(t.metric)) },
              { key: 'status', label: 'Status', value: (t) => t.status, render: (t) => <StatusBadge status={t.status} /> },
              { key: 'previous', label: 'Previous period', unit: 'ratio', value: (t) => t.previous, render: (t) => formatValue(t.previous, unitOf(t.metric)) },
              { key: 'change', label: 'Change', value: (t) => t.change.toLowerCase().replace('_', ' ') },
            ]}
          />
          <h3 className="section">Trends over the last {TREND_PERIODS} periods</h3>
          <div className="charts">
            {trend?.targets.map((t) => {
              const target = overall.targets.find((r) => r.metric === t.metric);
              return <TrendChart key={t.metric} trend={t} target={target} labels={trend.scorecards.map((c) => localDate(policy.timeZone, c.periodStart))} />;
            })}
          </div>
          <Table
            caption={`Worst ${drillLabel.toLowerCase()}s`}
            api={api}
            csvName={`worst-${drillDown.toLowerCase()}s.csv`}
            rows={drilled}
            columns={[
              { key: 'name', label: drillLabel, value: (c) => (c.unassigned ? 'unassigned' : (c.team?.name ?? c.agent?.name ?? c.queue?.name ?? c.channel)) },
              { key: 'compliance', label: 'Compliance', unit: 'ratio', value: (c) => c.compliance },
              { key: 'breached', label: 'Breached', unit: 'count', value: (c) => c.breached },
              { key: 'atRisk', label: 'At risk', unit: 'count', value: (c) => c.atRisk },
              ...overall.targets.map((t, i) => ({
                key: `target-${t.metric}`,
                label: labelOf(t.metric),
                unit: 'ratio',
                value: (c) => c.targets[i]?.actual ?? null,
                render: (c) => (
                  <>
                    {formatValue(c.targets[i]?.actual, unitOf(t.metric))} <StatusBadge status={c.targets[i]?.status ?? 'NO_DATA'} />
                  </>
                ),
              })),
              { key: 'contacts', label: 'Contacts', value: () => '', render: (c) => <a href={contactsHash(policy, c)}>Contacts</a> },
            ]}
          />
        </>
      ) : null}
    </>
  );
}

/** A target's series by period (labelled by the local date each period starts on). */
function TrendChart({ trend, target, labels }) {
  const unit = unitOf(trend.metric);
  const series = useMemo(
    () => [
      { label: labelOf(trend.metric), values: trend.values },
      { label: '3-period moving average', values: trend.movingAverage, dash: [4, 3] },
      ...(target ? [{ label: 'Target', values: labels.map(() => target.target), dash: [8, 4], color: '#b91c1c', width: 1.5 }] : []),
    ],
    [trend, target, labels],
  );
  const note = trend.slope == null ? '' : ` (${trend.improving ? 'improving' : 'worsening'}${trend.breachStreak ? `, breached ${trend.breachStreak} in a row` : ''})`;
  return <Chart title={`${labelOf(trend.metric)}${note}`} labels={labels} series={series} unit={unit} height={200} />;
}
