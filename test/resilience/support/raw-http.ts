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
  if (payload && payload.length > 1024 * 1024 && request.abortAfterMs === undefined) return sendLarge(request, payload);
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

/**
 * A large body over a bare socket: the server may answer (413, or 400 after
 * reading the first 256 KB) and close while the body is still being sent,
 * and Node's HTTP client then reports only EPIPE; here whatever the server
 * answered is read and parsed whatever happens to the upload.
 */
function sendLarge(request: RawRequest, payload: Buffer): Promise<RawResponse> {
  const target = new URL(request.url);
  const headers: Record<string, string> = {
    host: target.host,
    'content-type': 'application/json',
    'content-length': String(payload.length),
    connection: 'close',
    ...(request.key ? { authorization: `Bearer ${request.key}` } : {}),
    ...request.headers,
  };
  const head = `POST ${target.pathname}${target.search} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let answeredAt = 0;
    let error: string | undefined;
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const received = Buffer.concat(chunks);
      const split = received.indexOf('\r\n\r\n');
      if (split < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(received.subarray(0, split).toString('latin1'));
      if (length && received.length - split - 4 >= Number(length[1]) && !answeredAt) {
        answeredAt = performance.now();
        socket.destroy(); // the answer is complete: no need to send the rest
      }
    });
    socket.on('error', (e) => (error ??= e.message));
    socket.on('close', () => {
      const received = Buffer.concat(chunks);
      const split = received.indexOf('\r\n\r\n');
      if (split < 0) return resolve({ status: 0, headers: {}, ms: performance.now() - started, bytes: 0, error: error ?? 'closed without an answer' });
      const [statusLine, ...headerLines] = received.subarray(0, split).toString('latin1').split('\r\n');
      const responseHeaders: http.IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        responseHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const bodyText = received.subarray(split + 4).toString('utf8');
      let json: any;
      try {
        json = JSON.parse(bodyText);
      } catch {
        // left undefined
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: responseHeaders, ms: (answeredAt || performance.now()) - started, bytes: received.length - split - 4, json });
    });
    socket.on('connect', () => {
      socket.write(head);
      let offset = 0;
      const pump = () => {
        while (offset < payload.length && !socket.destroyed) {
          const next = payload.subarray(offset, offset + 64 * 1024);
          offset += next.length;
          if (!socket.write(next)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}
