/**
 * A KPI report kept current: the `liveKpis` subscription over graphql-ws at
 * /graphql (the key in connection_init), and `kpis` over HTTP every
 * REFRESH_MS while the socket cannot be opened or is being reopened
 * (live-state.js decides which). graphql-ws is bundled with the page.
 */
import { createClient } from 'graphql-ws';
import { CONNECT_GRACE_MS, FATAL_CLOSE_CODES, REFRESH_MS, initialLive, nextLive, polls, reasonOf, retryWaitMs } from './live-state.js';

/** A ping every KEEP_ALIVE_MS; no pong within PONG_TIMEOUT_MS closes the socket (and reconnects): a wall screen must not show "Live" over a dead connection. */
const KEEP_ALIVE_MS = 20_000;
const PONG_TIMEOUT_MS = 10_000;
/** graphql-ws's code for a socket closed by the client after a missing pong; retried. */
const CLOSE_PONG_TIMEOUT = 4408;

/**
 * Reads `kpis(query) { <selection> }` and calls onReport with each new report
 * until the returned function is called; onMode with each LiveState (mode,
 * reason); onError with an Error when a report could not be read.
 */
export function subscribeKpis(api, selection, query, { onReport, onError, onMode }) {
  let stopped = false;
  let state = initialLive();
  let pollTimer;
  let pongTimer;
  let socket;

  const move = (event) => {
    if (stopped) return;
    const next = nextLive(state, event);
    if (next === state) return;
    const wasPolling = polls(state.mode);
    state = next;
    onMode(state);
    if (!polls(state.mode)) clearTimeout(pollTimer);
    // A socket that never opened: read at once. A socket that dropped: the report on screen is a moment old, read it in REFRESH_MS.
    else if (!wasPolling) schedulePoll(state.mode === 'polling' ? 0 : REFRESH_MS);
  };

  const pollDocument = `query LiveReport($query: KpiQuery!) { kpis(query: $query) { ${selection} } }`;
  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      try {
        const data = await api.query(pollDocument, { query });
        if (!stopped && polls(state.mode)) onReport(data.kpis);
      } catch (error) {
        if (!stopped && polls(state.mode)) onError(error);
      }
      if (!stopped && polls(state.mode)) schedulePoll(REFRESH_MS);
    }, delay);
  }

  const client = createClient({
    url: api.socketUrl,
    connectionParams: () => api.connectionParams(),
    lazy: true,
    retryAttempts: Infinity,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryWaitMs(retries))),
    shouldRetry: (event) => !(event && FATAL_CLOSE_CODES.includes(event.code)),
    connectionAckWaitTimeout: 10_000,
    keepAlive: KEEP_ALIVE_MS,
    on: {
      connected: (opened) => {
        socket = opened;
        move({ type: 'connected' });
      },
      closed: () => {
        socket = undefined;
        clearTimeout(pongTimer);
        move({ type: 'closed' });
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(CLOSE_PONG_TIMEOUT, 'no pong in time');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  const unsubscribe = client.subscribe(
    { query: `subscription LiveReport($query: KpiQuery!) { liveKpis(query: $query) { ${selection} } }`, variables: { query } },
    {
      next: (message) => {
        if (stopped) return;
        if (message.errors?.length) onError(new Error(message.errors[0].message));
        else onReport(message.data.liveKpis);
      },
      // Given up for good (a fatal close, or the subscription refused): the report is polled from now on, and says why.
      error: (error) => move({ type: 'failed', reason: reasonOf(error) }),
      complete: () => undefined,
    },
  );
  const grace = setTimeout(() => move({ type: 'grace-elapsed' }), CONNECT_GRACE_MS);
  onMode(state);

  return () => {
    stopped = true;
    clearTimeout(grace);
    clearTimeout(pollTimer);
    clearTimeout(pongTimer);
    unsubscribe();
    void client.dispose();
  };
}
