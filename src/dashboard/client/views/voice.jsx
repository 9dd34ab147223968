/**
 * Voice of the customer: CSAT, NPS and complaints per period, complaints by
 * category over time, QA scores and fatal error rates over time and by agent
 * or team (lowest QA score first), and the worst comments (lowest CSAT, then NPS).
 */
import { useMemo } from 'react';
import { Chart } from '../chart.jsx';
import { addDays, isDate, todayIn } from '../dates.js';
import { DateField, ScopeSelect, Select, Status, scopeFilter } from '../fields.jsx';
import { labelOf } from '../format.js';
import { useQuery } from '../data.js';
import { Table } from '../table.jsx';

const FIGURES = ['surveyResponses', 'csatScore', 'csatAverage', 'netPromoterScore', 'complaints', 'complaintRate', 'qaEvaluations', 'qaScore', 'fatalErrors', 'fatalErrorRate'];
const QUALITY = ['qaEvaluations', 'qaScore', 'fatalErrors', 'fatalErrorRate', 'surveyResponses', 'csatScore'];
const DOCUMENT = `query Voice($query: KpiQuery!, $quality: KpiQuery!, $dates: DateRange!, $timeZone: String, $filter: ContactFilter) {
  kpis(query: $query) { rows { periodStart periodLabel ${FIGURES.join(' ')} } total { ${FIGURES.join(' ')} } }
  quality: kpis(query: $quality) { rows { agent { key name } team { key name } ${QUALITY.join(' ')} } }
  complaintBreakdown(query: $query) { periodStart category count }
  worst: surveyResponses(dates: $dates, timeZone: $timeZone, filter: $filter, maxCsat: 2, first: 500) {
    totalCount edges { node { csat nps comment complaintCategory submittedAt contact { externalId offeredAt queue { name } agent { name } } } } }
}`;
const QA_GROUPS = [{ value: 'AGENT', label: 'Agent' }, { value: 'TEAM', label: 'Team' }];

/** Comments shown; the CSV has the same. */
const WORST = 20;

export function voiceQuestion(params, context) {
  const to = isDate(params.to) ? params.to : addDays(todayIn(context.timeZone), -1);
  const from = isDate(params.from) ? params.from : addDays(to, -83); // 12 weeks
  const granularity = ['DAY', 'WEEK', 'MONTH'].includes(params.granularity) ? params.granularity : 'WEEK';
  const scope = params.scope ?? 'all';
  const qaBy = QA_GROUPS.some((g) => g.value === params.qaBy) ? params.qaBy : 'AGENT';
  const filter = scopeFilter(scope);
  const dates = { from, to };
  const common = { dates, timeZone: context.timeZone, ...(filter ? { filter } : {}) };
  return {
    from, to, granularity, scope, qaBy,
    variables: {
      query: { ...common, granularity },
      // Only agents or teams with evaluations, lowest QA score first (the API sorts and filters: no row is dropped here).
      quality: { ...common, groupBy: [qaBy], having: [{ metric: 'qaEvaluations', comparator: 'AT_LEAST', value: 1 }], orderBy: [{ metric: 'qaScore' }] },
      dates, timeZone: context.timeZone, filter: filter ?? null,
    },
  };
}

/** The answers with a comment, worst first: lowest CSAT, then lowest NPS, then newest. */
export function worstComments(edges) {
  return edges
    .map((e) => e.node)
    .filter((n) => n.comment)
    .sort((a, b) => a.csat - b.csat || (a.nps ?? 11) - (b.nps ?? 11) || Date.parse(b.contact.offeredAt) - Date.parse(a.contact.offeredAt))
    .slice(0, WORST);
}

export function VoiceOfCustomer({ api, params, setParams, context }) {
  const q = voiceQuestion(params, context);
  const state = useQuery(api, DOCUMENT, q.variables);
  const rows = state.data?.kpis.rows ?? [];
  const x = rows.map((r) => r.periodStart);
  const labels = useMemo(() => rows.map((r) => r.periodLabel), [rows]);
  const labelAt = (start) => rows.find((r) => Date.parse(r.periodStart) === Date.parse(start))?.periodLabel ?? start;
  const csat = useMemo(() => [{ label: 'CSAT score (4–5 of 5)', values: rows.map((r) => r.csatScore) }], [rows]);
  const nps = useMemo(() => [{ label: 'Net Promoter Score', values: rows.map((r) => r.netPromoterScore) }], [rows]);
  const qa = useMemo(
    () => [{ label: 'QA score', values: rows.map((r) => r.qaScore) }, { label: 'Fatal error rate', values: rows.map((r) => r.fatalErrorRate), dash: [6, 4] }],
    [rows],
  );
  const quality = state.data?.quality.rows ?? [];
  const member = (r) => (q.qaBy === 'TEAM' ? r.team : r.agent);
  const breakdown = state.data?.complaintBreakdown ?? [];
  const categories = useMemo(() => {
    const names = [...new Set(breakdown.map((c) => c.category ?? 'no category'))];
    return names.map((name) => ({
      label: name,
      values: x.map((start) => breakdown.filter((c) => (c.category ?? 'no category') === name && Date.parse(c.periodStart) === Date.parse(start)).reduce((sum, c) => sum + c.count, 0)),
    }));
  }, [breakdown, x]);
  const worst = useMemo(() => worstComments(state.data?.worst.edges ?? []), [state.data]);

  return (
    <>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <ScopeSelect value={q.scope} onChange={(scope) => setParams({ scope })} directory={context.directory} />
        <DateField label="From" value={q.from} onChange={(from) => setParams({ from })} />
        <DateField label="To" value={q.to} onChange={(to) => setParams({ to })} />
        <Select label="Granularity" value={q.granularity} onChange={(granularity) => setParams({ granularity })} options={['DAY', 'WEEK', 'MONTH'].map((g) => ({ value: g, label: labelOf(g.toLowerCase()) }))} />
        <Select label="Quality by" value={q.qaBy} onChange={(qaBy) => setParams({ qaBy })} options={QA_GROUPS} />
      </form>
      <Status state={state} />
      {state.data ? (
        <>
          <div className="charts four">
            <Chart title="CSAT score" labels={labels} series={csat} unit="ratio" timeZone={context.timeZone} height={200} />
            <Chart title="Net Promoter Score" labels={labels} series={nps} unit="decimal" timeZone={context.timeZone} height={200} />
            <Chart title="Complaints by category" labels={labels} series={categories} timeZone={context.timeZone} height={200} />
            <Chart title="QA score and fatal error rate" labels={labels} series={qa} unit="ratio" timeZone={context.timeZone} height={200} />
          </div>
          <Table
            caption="Per period"
            api={api}
            exportFile="kpis.csv"
            exportParams={{ query: JSON.stringify(q.variables.query), fields: FIGURES.join(',') }}
            rows={rows}
            columns={[
              { key: 'period', label: 'Period', value: (r) => r.periodLabel },
              { key: 'surveyResponses', label: 'Responses', unit: 'count', value: (r) => r.surveyResponses },
              { key: 'csatScore', label: 'CSAT score', unit: 'ratio', value: (r) => r.csatScore },
              { key: 'csatAverage', label: 'CSAT average', unit: 'decimal', value: (r) => r.csatAverage },
              { key: 'netPromoterScore', label: 'NPS', unit: 'decimal', value: (r) => r.netPromoterScore },
              { key: 'complaints', label: 'Complaints', unit: 'count', value: (r) => r.complaints },
              { key: 'qaEvaluations', label: 'QA evaluations', unit: 'count', value: (r) => r.qaEvaluations },
              { key: 'qaScore', label: 'QA score', unit: 'ratio', value: (r) => r.qaScore },
              { key: 'fatalErrorRate', label: 'Fatal error rate', unit: 'ratio', value: (r) => r.fatalErrorRate },
            ]}
          />
          <div className="two-columns">
            <Table
              caption={`Quality by ${q.qaBy === 'TEAM' ? 'team' : 'agent'}`}
              api={api}
              exportFile="kpis.csv"
              exportParams={{ query: JSON.stringify(q.variables.quality), fields: QUALITY.join(',') }}
              rows={quality}
              columns={[
                { key: 'name', label: q.qaBy === 'TEAM' ? 'Team' : 'Agent', value: (r) => member(r)?.name ?? 'unassigned' },
                { key: 'qaEvaluations', label: 'Evaluations', unit: 'count', value: (r) => r.qaEvaluations },
                { key: 'qaScore', label: 'QA score', unit: 'ratio', value: (r) => r.qaScore },
                { key: 'fatalErrors', label: 'Fatal errors', unit: 'count', value: (r) => r.fatalErrors },
                { key: 'fatalErrorRate', label: 'Fatal error rate', unit: 'ratio', value: (r) => r.fatalErrorRate },
                { key: 'csatScore', label: 'CSAT score', unit: 'ratio', value: (r) => r.csatScore },
              ]}
            />
            <Table
              caption="Complaints by category"
              api={api}
              csvName="complaints.csv"
              rows={breakdown}
              columns={[
                { key: 'period', label: 'Period', value: (c) => labelAt(c.periodStart) },
                { key: 'category', label: 'Category', value: (c) => c.category ?? 'no category' },
                { key: 'count', label: 'Complaints', unit: 'count', value: (c) => c.count },
              ]}
            />
          </div>
          <Table
            caption="Worst comments"
            api={api}
            csvName="worst-comments.csv"
            rows={worst}
            columns={[
              { key: 'csat', label: 'CSAT', unit: 'count', value: (n) => n.csat },
              { key: 'nps', label: 'NPS', unit: 'count', value: (n) => n.nps },
              { key: 'comment', label: 'Comment', value: (n) => n.comment, render: (n) => <span className="comment">{n.comment}</span> },
              { key: 'category', label: 'Complaint', value: (n) => n.complaintCategory ?? '' },
              { key: 'contact', label: 'Contact', value: (n) => n.contact.externalId },
              { key: 'queue', label: 'Queue', value: (n) => n.contact.queue.name },
              { key: 'agent', label: 'Agent', value: (n) => n.contact.agent?.name ?? '' },
            ]}
          />
        </>
      ) : null}
    </>
  );
}
