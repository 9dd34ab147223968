/**
 * How views get their data: useQuery runs a query when its variables change;
 * useLiveQuery keeps a report current through subscribeReport, which polls
 * every 15 s today. When the `liveKpis` subscription exists, subscribeReport
 * becomes a graphql-ws subscription with the same callbacks; no view changes.
 */
import { useEffect, useState } from 'react';

export const REFRESH_MS = 15_000;

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

/** Calls onNext with each new answer (at once, then every REFRESH_MS) until the returned function is called. */
export function subscribeReport(api, document, variables, { onNext, onError }) {
  let stopped = false;
  let timer;
  const tick = async () => {
    try {
      const data = await api.query(document, variables);
      if (!stopped) onNext(data);
    } catch (error) {
      if (!stopped) onError(error);
    }
    if (!stopped) timer = setTimeout(tick, REFRESH_MS);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function useLiveQuery(api, document, variables) {
  const [state, setState] = useState({ loading: true });
  const key = JSON.stringify(variables);
  useEffect(() => {
    setState((s) => ({ ...s, loading: true, error: undefined }));
    return subscribeReport(api, document, variables, {
      onNext: (data) => setState({ data, loading: false, updatedAt: new Date() }),
      onError: (error) => setState((s) => ({ ...s, error: error.message, loading: false })),
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for variables
  }, [api, document, key]);
  return state;
}
