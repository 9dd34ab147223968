/**
 * The API explorer's browser code: GraphiQL 5 (React 19, Monaco) under a bar
 * with the API key. Bundled by ../bundle.ts with esbuild; nothing is loaded
 * from another host (the page's CSP allows only this origin).
 *
 * The key lives in this browser's localStorage (KEY_STORAGE). On a start with
 * the embedded database the server writes its local ADMIN key into
 * <meta name="callpulse-demo-key">; it fills the field only while nothing is
 * stored, so a key the user typed is never replaced.
 */
import { GraphiQL } from 'graphiql';
import { StrictMode, useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './explorer.css';

export const KEY_STORAGE = 'callpulse.apiKey';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';

// Monaco runs its language services in workers; the bundle ships them next to
// this file (their URLs come from the page, see page.ts). The default would
// fetch them from a CDN or fall back to the main thread.
const WORKERS = { json: meta('callpulse-worker-json'), graphql: meta('callpulse-worker-graphql') };
const EDITOR_WORKER = meta('callpulse-worker-editor');
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return new Worker(WORKERS[label] || EDITOR_WORKER, { name: label });
  },
};

function readStoredKey() {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null; // storage disabled: the field still works for this page's life
  }
}

function storeKey(value) {
  try {
    if (value) localStorage.setItem(KEY_STORAGE, value);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled or full: keep the key in memory only */
  }
}

/** A first query that returns rows on the demo data: the last 7 whole UTC days. */
function defaultQuery() {
  const day = 86_400_000;
  const to = new Date(Math.floor(Date.now() / day) * day);
  const from = new Date(to.getTime() - 7 * day);
  const iso = (d) => d.toISOString().replace('.000Z', 'Z');
  return `# CallPulse API explorer. Put an API key in the field above, then run
# this query with the play button or Ctrl-Enter. The Docs pane lists every field.
query DailyKpis {
  kpis(query: { range: { from: "${iso(from)}", to: "${iso(to)}" }, granularity: DAY }) {
    rows {
      periodStart
      offered
      answered
      serviceLevel
      averageHandleTime
    }
    total {
      offered
      serviceLevel
    }
  }
}
`;
}

function declaresOperation(query, name) {
  return new RegExp(`\\b(query|mutation|subscription)\\s+${name}\\b`).test(query ?? '');
}

function Explorer() {
  const [apiKey, setApiKey] = useState(() => readStoredKey() ?? meta('callpulse-demo-key'));
  const [visible, setVisible] = useState(false);
  const keyRef = useRef(apiKey);
  keyRef.current = apiKey;
  const demoKey = meta('callpulse-demo-key');

  const onKeyChange = useCallback((event) => {
    const value = event.target.value.trim();
    setApiKey(value);
    storeKey(value);
  }, []);

  // Reads the key at call time, so a changed key applies to the next run without a reload.
  const fetcher = useCallback(async (params, options) => {
    const key = keyRef.current;
    // GraphiQL learns the operation's name 100 ms after the last key stroke: a query run
    // sooner (Ctrl-Enter right after typing) would carry the previous name and fail.
    if (params.operationName && !declaresOperation(params.query, params.operationName)) {
      params = { ...params, operationName: undefined };
    }
    const response = await fetch(meta('callpulse-endpoint') || '/graphql', {
      method: 'POST',
      headers: {
        accept: 'application/graphql-response+json, application/json',
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...options?.headers,
      },
      body: JSON.stringify(params),
    });
    return response.json();
  }, []);

  const initialQuery = useMemo(defaultQuery, []);

  return (
    <div className="callpulse-explorer">
      <header className="callpulse-bar">
        <h1>CallPulse API</h1>
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
        <button type="button" onClick={() => setVisible((v) => !v)} aria-pressed={visible}>
          {visible ? 'Hide' : 'Show'}
        </button>
        <span className="callpulse-hint" role="status">
          {apiKey
            ? demoKey && apiKey === demoKey
              ? 'the local ADMIN key of this embedded database'
              : 'kept in this browser'
            : 'introspection and Docs work without a key'}
        </span>
      </header>
      <main className="callpulse-graphiql">
        <GraphiQL fetcher={fetcher} defaultQuery={initialQuery} />
      </main>
    </div>
  );
}

createRoot(document.getElementById('explorer')).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
