/**
 * The contacts behind a figure (reached from the SLA review's links): a
 * period and a filter, newest first, 100 a page; the CSV is /export/contacts.csv
 * for every contact of the selection.
 */
import { useEffect, useState } from 'react';
import { Status } from '../fields.jsx';
import { Table } from '../table.jsx';

const DOCUMENT = `query DashboardContacts($range: TimeRange!, $filter: ContactFilter, $after: String) {
  contacts(range: $range, filter: $filter, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { externalId channel offeredAt answeredAt waitSeconds talkSeconds resolved queue { name } team { name } agent { name } } } } }`;

const ids = (value) => (value ? value.split(',').filter(Boolean) : undefined);

export function contactsQuestion(params) {
  const filter = Object.fromEntries(
    [['channels', ids(params.channels)], ['queueIds', ids(params.queueIds)], ['teamIds', ids(params.teamIds)], ['agentIds', ids(params.agentIds)]].filter(([, v]) => v),
  );
  return { range: { from: params.from, to: params.to }, ...(Object.keys(filter).length ? { filter } : {}) };
}

export function Contacts({ api, params, context }) {
  const question = contactsQuestion(params);
  const [pages, setPages] = useState({ edges: [], after: null });
  const [state, setState] = useState({ loading: true });
  const key = JSON.stringify(question);

  const load = (after, previous) => {
    setState({ loading: true });
    api.query(DOCUMENT, { ...question, after }).then(
      (data) => {
        setPages({ edges: [...previous, ...data.contacts.edges], next: data.contacts.pageInfo.hasNextPage ? data.contacts.pageInfo.endCursor : null });
        setState({ loading: false, totalCount: data.contacts.totalCount });
      },
      (error) => setState({ loading: false, error: error.message }),
    );
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for the question
  useEffect(() => load(null, []), [key]);

  if (!params.from || !params.to) return <p>Open this view from a figure (the SLA review's "Contacts" links).</p>;
  const clock = (instant) => (instant ? new Date(instant).toLocaleString('en-GB', { timeZone: context.timeZone }) : '');
  return (
    <>
      <p className="total">
        Contacts offered from {clock(params.from)} to {clock(params.to)} ({context.timeZone}){question.filter ? ', filtered' : ''}:{' '}
        <strong data-testid="contacts-total" data-value={String(state.totalCount ?? '')}>{state.totalCount ?? '…'}</strong>
      </p>
      <Status state={state} />
      <Table
        caption="Contacts"
        api={api}
        exportFile="contacts.csv"
        exportParams={{ query: JSON.stringify(question) }}
        rows={pages.edges.map((e) => e.node)}
        columns={[
          { key: 'externalId', label: 'Contact', value: (c) => c.externalId },
          { key: 'offeredAt', label: 'Offered', value: (c) => clock(c.offeredAt) },
          { key: 'channel', label: 'Channel', value: (c) => c.channel },
          { key: 'queue', label: 'Queue', value: (c) => c.queue.name },
          { key: 'team', label: 'Team', value: (c) => c.team?.name ?? '' },
          { key: 'agent', label: 'Agent', value: (c) => c.agent?.name ?? '' },
          { key: 'waitSeconds', label: 'Wait', unit: 'seconds', value: (c) => c.waitSeconds },
          { key: 'answered', label: 'Answered', value: (c) => (c.answeredAt ? 'yes' : 'no') },
          { key: 'talkSeconds', label: 'Talk', unit: 'seconds', value: (c) => c.talkSeconds },
        ]}
      />
      {pages.next ? <button type="button" onClick={() => load(pages.next, pages.edges)}>Load 100 more</button> : null}
    </>
  );
}
