/**
 * The dashboard page: an API key field, one link per view, and the view of the
 * URL's hash (route.js). Everything it shows comes from the public GraphQL API
 * (api.js) with the key of the field, kept in this browser's localStorage
 * under the explorer's name, so a key entered in one serves the other.
 */
import { StrictMode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api.js';
import { useQuery } from './data.js';
import { formatHash, parseHash, VIEWS } from './route.js';
import { Status } from './fields.jsx';
import { Wallboard } from './views/wallboard.jsx';
import { SlaReview } from './views/sla.jsx';
import { Explore } from './views/explore.jsx';
import { Staffing } from './views/staffing.jsx';
import { VoiceOfCustomer } from './views/voice.jsx';
import { Contacts } from './views/contacts.jsx';
import './dashboard.css';

export const KEY_STORAGE = 'callpulse.apiKey';
const KEY_PAUSE_MS = 400;
const VIEW_COMPONENTS = { wallboard: Wallboard, sla: SlaReview, explore: Explore, staffing: Staffing, voice: VoiceOfCustomer, contacts: Contacts };

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

function readStoredKey() {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}
function storeKey(value) {
  try {
    if (value) localStorage.setItem(KEY_STORAGE, value);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled: the key lives for this page only */
  }
}

/** What every view needs: the zone, the directory and the KpiRow metrics (from the schema, the one catalog). */
const CONTEXT_QUERY = `query DashboardContext {
  organization { name reportingTimeZone }
  queues { id key name }
  teams { id key name }
  agents { id key name }
  __type(name: "KpiRow") { fields { name description args { type { kind } } type { kind name ofType { name } } } }
}`;

function metricsOf(type) {
  const numeric = (t) => ['Int', 'Float'].includes(t.kind === 'NON_NULL' ? t.ofType?.name : t.name);
  return (type?.fields ?? [])
    .filter((f) => numeric(f.type) && f.args.every((a) => a.type.kind !== 'NON_NULL'))
    .map((f) => ({ name: f.name, description: f.description ?? '' }));
}

function useHashRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function Dashboard() {
  const [apiKey, setApiKey] = useState(() => readStoredKey() ?? meta('callpulse-demo-key'));
  const [visible, setVisible] = useState(false);
  // The key in use: the field's value once typing has paused, so a key typed key by key is not tried at every stroke.
  const [activeKey, setActiveKey] = useState(apiKey);
  useEffect(() => {
    const timer = setTimeout(() => setActiveKey(apiKey), KEY_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [apiKey]);
  const keyRef = useRef(activeKey);
  keyRef.current = activeKey;
  const api = useMemo(() => createApi(() => keyRef.current), []);
  const { view, params } = useHashRoute();
  const context = useQuery(api, CONTEXT_QUERY, {}, Boolean(activeKey), activeKey);

  const onKeyChange = useCallback((event) => {
    const value = event.target.value.trim();
    setApiKey(value);
    storeKey(value);
  }, []);
  const setParams = useCallback(
    (changes) => {
      location.hash = formatHash(view, { ...params, ...changes });
    },
    [view, params],
  );

  const shared = context.data && {
    timeZone: context.data.organization.reportingTimeZone,
    organization: context.data.organization.name,
    directory: { queues: context.data.queues, teams: context.data.teams, agents: context.data.agents },
    metrics: metricsOf(context.data.__type),
  };
  const View = VIEW_COMPONENTS[view];
  const title = VIEWS.find((v) => v.id === view)?.title ?? 'Contacts';

  useEffect(() => {
    document.title = `${title} · CallPulse dashboard`;
  }, [title]);

  return (
    <div className="dashboard">
      <header className="bar">
        <h1>CallPulse</h1>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={formatHash(v.id)} aria-current={v.id === view ? 'page' : undefined}>{v.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="key">
          <label htmlFor="callpulse-api-key">API key</label>
          <input
            id="callpulse-api-key"
            type={visible ? 'text' : 'password'}
            value={apiKey}
            onChange={onKeyChange}
            placeholder="paste a key (kept in this browser)"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="button" onClick={() => setVisible((v) => !v)} aria-pressed={visible}>{visible ? 'Hide' : 'Show'}</button>
        </div>
      </header>
      <main id="view">
        <h2>{title}{shared ? <span className="org"> · {shared.organization} · {shared.timeZone}</span> : null}</h2>
        {!activeKey ? (
          <p className="problem" role="alert">Enter an API key (ANALYST or ADMIN) in the field above.</p>
        ) : !shared ? (
          <Status state={context} />
        ) : (
          <View key={`${view} ${activeKey}`} api={api} params={params} setParams={setParams} context={shared} />
        )}
      </main>
    </div>
  );
}

createRoot(document.getElementById('dashboard')).render(
  <StrictMode>
    <Dashboard />
  </StrictMode>,
);
