/**
 * How views get their data: useQuery runs a query when its variables change;
 * useLiveKpis keeps a KPI report current through the `liveKpis` subscription
 * (live.js), polled every 15 s where the socket cannot be opened.
 */
import { useEffect, useRef, useState } from 'react';
import { subscribeKpis } from './live.js';
import { initialLive } from './live-state.js';

/** refresh: anything that should run the query again when it changes (the key). */
export function useQuery(api, document, variables, enabled = true, refresh = undefined) {
  const [state, setState] = useState({ loading: true });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled || !document) return undefined;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api.query(document, variables).then(
      (data) => current && setState({ data, loading: false }),
      (error) => current && setState({ error: error.message, loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for variables
  }, [api, document, key, enabled, refresh]);
  return state;
}

/**
 * A KPI report kept current by `liveKpis` (live.js): { data (the report),
 * loading, error, updatedAt, version (one more per report received), live
 * (the connection's LiveState: mode and reason) }.
 */
export function useLiveKpis(api, selection, query) {
  const [state, setState] = useState({ loading: true, version: 0, live: initialLive() });
  const key = JSON.stringify(query);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true, error: undefined }));
    return subscribeKpis(api, selection, query, {
      onReport: (report) => setState((s) => ({ ...s, data: report, loading: false, error: undefined, updatedAt: new Date(), version: s.version + 1 })),
      onError: (error) => setState((s) => ({ ...s, error: error.message, loading: false })),
      onMode: (live) => setState((s) => ({ ...s, live })),
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for query
  }, [api, selection, key]);
  return state;
}

/** value, changed at most once per `ms`: at once after a quiet spell, else at the end of the spell (the last value wins). */
export function useThrottled(value, ms) {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    const show = () => {
      last.current = Date.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return undefined;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
