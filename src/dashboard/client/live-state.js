/**
 * The live connection of a report, as pure rules (no socket, no timer), so the
 * indicator's states and the fallback's timing can be tested in Node.
 *
 * A report is `live` while its graphql-ws socket is connected (acknowledged);
 * before that it is `connecting`. A socket that never connected falls back to
 * `polling` (refreshed every REFRESH_MS); a socket that was connected and
 * dropped is `reconnecting`, and is polled too until it is back. Both keep
 * trying the socket in the background.
 */

export const REFRESH_MS = 15_000;
/** A socket not connected this soon after the start is taken as "cannot be opened": the report is polled meanwhile. */
export const CONNECT_GRACE_MS = 5_000;
/** Reconnection waits 1, 2, 4… s, at most this long (plus up to a second of jitter). */
export const MAX_RETRY_WAIT_MS = 30_000;
/**
 * Close codes after which trying again cannot help: 4400 bad request, 4401
 * unknown key, 4403 revoked key or a role that may not read, 4406/4409/4429
 * protocol misuse. graphql-ws itself retries 4403, hoping access is granted later.
 */
export const FATAL_CLOSE_CODES = [4400, 4401, 4403, 4406, 4409, 4429];

/** @typedef {'connecting' | 'live' | 'reconnecting' | 'polling'} LiveMode */

/** The state before anything happened. */
export function initialLive() {
  return { mode: 'connecting', everConnected: false, reason: undefined };
}

/**
 * The next state after an event:
 * - `connected`: the server acknowledged connection_init;
 * - `closed`: the socket closed or failed to open (it will be tried again);
 * - `grace-elapsed`: CONNECT_GRACE_MS passed without a connection;
 * - `failed`: the socket or subscription gave up for good (event.reason says why).
 */
export function nextLive(state, event) {
  switch (event.type) {
    case 'connected':
      return { mode: 'live', everConnected: true, reason: undefined };
    case 'closed':
      if (state.mode === 'polling') return state;
      return { ...state, mode: state.everConnected ? 'reconnecting' : 'polling' };
    case 'grace-elapsed':
      return state.mode === 'connecting' ? { ...state, mode: 'polling' } : state;
    case 'failed':
      return { ...state, mode: 'polling', reason: event.reason };
    default:
      return state;
  }
}

/** Whether the report is read over HTTP in this mode (the socket is not there to send it). */
export function polls(mode) {
  return mode === 'polling' || mode === 'reconnecting';
}

/** How long to wait before reconnection attempt `retries` (0-based), `random` in [0, 1). */
export function retryWaitMs(retries, random = Math.random()) {
  return Math.min(1_000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.floor(random * 1_000);
}

/** The indicator's words: what a person reading the wall needs, never colour alone. */
export function liveLabel(state) {
  switch (state.mode) {
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting':
      return 'Reconnecting… (refreshed every 15 s meanwhile)';
    default:
      return state.reason
        ? `Refreshed every 15 s (live updates unavailable: ${state.reason})`
        : 'Refreshed every 15 s (live updates unavailable)';
  }
}

/** The GraphQL endpoint as a WebSocket URL of the page's host (wss: under https:). */
export function socketUrlOf(endpoint, pageUrl) {
  const url = new URL(endpoint, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  return url.href;
}

/** A close event's or a subscription error's words. */
export function reasonOf(error) {
  if (Array.isArray(error)) return error[0]?.message ?? 'the subscription was refused';
  if (error && typeof error.code === 'number') return error.reason || `the socket closed (${error.code})`;
  return error?.message ?? String(error);
}
