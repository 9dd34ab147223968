import type http from 'node:http';

/**
 * How long a client may take to send its request. Node's defaults let a body
 * trickle in for 300 s (requestTimeout) while holding a socket and a parser; a
 * client that needs more than a minute to send 25 MB is not one to wait for.
 * Timed-out requests get 408 and their socket is closed.
 */
export const HTTP_TIMEOUTS = {
  /** The whole header block must arrive within this. */
  headersTimeoutMs: 10_000,
  /** The whole request, headers and body, must arrive within this (not the answer: reports may take longer). */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two limits above (default 30 s, which would let a 10 s limit run to 40). */
  checkEveryMs: 1_000,
} as const;

/** Options for http.createServer: only these can set how often the limits are checked. */
export function httpServerOptions(timeouts = HTTP_TIMEOUTS): http.ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  };
}
