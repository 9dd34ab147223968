import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  /** 0 when the connection failed before any answer. */
  status: number;
  headers: http.IncomingHttpHeaders;
  /** From the first byte sent to the answer's last byte. */
  ms: number;
  bytes: number;
  /** The parsed body, when it was JSON and not cut at maxBytes. */
  json?: any;
  error?: string;
}

export interface RawRequest {
  url: string;
  body?: string | Buffer;
  key?: string | null;
  method?: string;
  headers?: Record<string, string>;
  /** Answers past this many bytes are read and counted but not kept or parsed. */
  maxBytes?: number;
  /** Destroy the socket this long after sending: a client that goes away. */
  abortAfterMs?: number;
}

/**
 * One request on a connection of its own, timed with the answer read to the
 * end. The server may answer (413) and close before a large body is sent: the
 * answer counts, the write error does not.
 */
export function send(request: RawRequest): Promise<RawResponse> {
  const { url, body, key, maxBytes = 20 * 1024 * 1024 } = request;
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const settle = (response: RawResponse) => {
      if (settled) return;
      settled = true;
      resolve(response);
    };
    const req = http.request(url, {
      method: request.method ?? (payload ? 'POST' : 'GET'),
      agent: false,
      headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...request.headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      res.on('error', (error) => settle({ status: res.statusCode ?? 0, headers: res.headers, ms: performance.now() - started, bytes, error: error.message }));
      res.on('end', () => {
        const ms = performance.now() - started;
        let json: any;
        if (bytes <= maxBytes && /json/.test(String(res.headers['content-type']))) {
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // left undefined: the caller sees bytes and status
          }
        }
        settle({ status: res.statusCode ?? 0, headers: res.headers, ms, bytes, json });
      });
    });
    req.on('error', (error) => {
      // an answer already under way wins over a write error (EPIPE after an early 413)
      setTimeout(() => settle({ status: 0, headers: {}, ms: performance.now() - started, bytes: 0, error: error.message }), 50);
    });
    if (request.abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        settle({ status: 0, headers: {}, ms: performance.now() - started, bytes: 0, error: 'aborted by the client' });
      }, request.abortAfterMs);
    }
    req.end(payload);
  });
}

/** A GraphQL POST through `send`. */
export function postQuery(url: string, query: string, key: string | null, variables?: Record<string, unknown>, extra: Partial<RawRequest> = {}) {
  return send({ url, key, body: JSON.stringify({ query, variables }), ...extra });
}

export interface SlowClient {
  /** Resolves with ms from connect to the server closing the socket (and what it answered, if anything). */
  closed: Promise<{ ms: number; answer: string }>;
  destroy(): void;
}

/**
 * A client that sends `head` at once, then one byte of `trickle` every
 * `everyMs`: a slow request the server must cut (headersTimeout/requestTimeout).
 */
export function slowClient(port: number, head: string, trickle: string, everyMs: number): SlowClient {
  const socket = net.connect({ host: '127.0.0.1', port });
  const started = performance.now();
  let answer = '';
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (socket.destroyed || !socket.writable) return;
      socket.write(trickle[sent++ % trickle.length]);
    }, everyMs);
  });
  const closed = new Promise<{ ms: number; answer: string }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, answer });
    });
    socket.on('error', () => {});
  });
  return { closed, destroy: () => socket.destroy() };
}
