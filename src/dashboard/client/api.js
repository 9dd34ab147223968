/**
 * The one GraphQL client of the page: POST /graphql with the key of the field
 * (read at call time, so a changed key applies to the next request), and
 * downloads from /export with the same header (a link cannot carry it: the
 * answer is fetched and saved as a Blob). Subscriptions (live.js) open a
 * WebSocket to the same endpoint with the same key in connection_init.
 */

import { socketUrlOf } from './live-state.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
const ENDPOINT = meta('callpulse-endpoint') || '/graphql';

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function createApi(getKey) {
  const headers = () => {
    const key = getKey();
    return key ? { authorization: `Bearer ${key}` } : {};
  };

  /** The data of a query, or an ApiError with the server's first message. */
  async function query(document, variables = {}) {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: { accept: 'application/graphql-response+json, application/json', 'content-type': 'application/json', ...headers() },
      body: JSON.stringify({ query: document, variables }),
    });
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`HTTP ${response.status} from ${ENDPOINT}`, 'HTTP');
    }
    if (body.errors?.length) throw new ApiError(body.errors[0].message, body.errors[0].extensions?.code);
    return body.data;
  }

  /** Fetches /export/<file>?<params> with the key and saves it under file's name. */
  async function download(file, params) {
    const url = `/export/${file}?${new URLSearchParams(params)}`;
    const response = await fetch(url, { headers: headers() });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new ApiError(body?.errors?.[0]?.message ?? `HTTP ${response.status}`, body?.errors?.[0]?.extensions?.code);
    }
    saveBlob(await response.blob(), file);
  }

  return {
    query,
    download,
    socketUrl: socketUrlOf(ENDPOINT, location.href),
    /** connection_init's payload, read at each (re)connection. */
    connectionParams: headers,
  };
}

export function saveBlob(blob, filename) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
