import type { RequestHandler } from 'express';
import { documentShape, exceededLimit, DOCUMENT_LIMITS, type DocumentLimits } from './document-shape';
import { queryTooComplexBody } from './limit-error';
import { errorBody } from '../errors';

/**
 * Express middleware on /graphql, after the body is parsed and before Apollo:
 * refuses a document whose shape passes a limit (tokens, depth, aliases, …) with
 * HTTP 400 and QUERY_TOO_COMPLEX, before graphql-js parses it — parsing and
 * validating a 10 MB document of aliases takes seconds; this scan, milliseconds.
 */
export function documentLimits(limits: DocumentLimits = DOCUMENT_LIMITS): RequestHandler {
  return (req, res, next) => {
    for (const query of queriesOf(req.method === 'GET' ? req.query : req.body)) {
      const exceeded = exceededLimit(documentShape(query, limits), limits);
      if (exceeded) {
        res.locals.logger?.info({ limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual }, 'query refused: document limit');
        res.status(400).json(queryTooComplexBody(exceeded));
        return;
      }
    }
    next();
  };
}

/** The documents of a GET's parameters, a POST's body, or each operation of a batch. */
function queriesOf(payload: unknown): string[] {
  if (Array.isArray(payload)) return payload.flatMap(queriesOf);
  const query = payload && typeof payload === 'object' ? (payload as { query?: unknown }).query : undefined;
  return typeof query === 'string' ? [query] : [];
}

/**
 * For a large JSON body (a key holder's may reach 25 MB): the document's shape is
 * counted on the first `prefixBytes` as they arrive, before the rest is read or
 * JSON-parsed. Every count of a prefix is a lower bound of the whole document's,
 * so a prefix past a limit is refused at once (HTTP 400, "at least"); otherwise
 * the prefix is put back on the stream for the body parser and nothing changes.
 */
export function documentPrefixLimits(
  limits: DocumentLimits = DOCUMENT_LIMITS,
  { minBytes = 1_000_000, prefixBytes = 256 * 1024 }: { minBytes?: number; prefixBytes?: number } = {},
): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    if (req.method !== 'POST' || !(length > minBytes) || !req.is('application/json')) return next();
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= prefixBytes) settle(false);
    };
    const onEnd = () => settle(true);
    const settle = (ended: boolean) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onEnd);
      req.pause();
      const prefix = Buffer.concat(chunks);
      const query = ended ? null : queryPrefix(prefix.toString('utf8'));
      const exceeded = query === null ? null : exceededLimit({ ...documentShape(query, limits), complete: false }, limits);
      if (exceeded) {
        res.locals.logger?.info({ limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual }, 'query refused: document limit, from the body\'s start');
        // The client is still sending: answering and closing under it resets the
        // connection, and the answer is lost (EPIPE on its side). The rest — at most
        // the key holder's 25 MB, within requestTimeout — is read and dropped first.
        let answered = false;
        const answer = () => {
          if (answered || res.headersSent) return;
          answered = true;
          res.status(400).json(queryTooComplexBody(exceeded));
        };
        req.once('end', answer);
        req.once('close', answer);
        req.resume();
        return;
      }
      if (ended) {
        // Shorter than its Content-Length (the parser would refuse it too); the stream cannot be rewound after its end.
        res.status(400).json(errorBody('Request body ended before its Content-Length', { code: 'BAD_REQUEST' }));
        return;
      }
      req.unshift(prefix);
      // Paused by us, not by the parser: its 'data' listener must start the flow again.
      (req as { readableFlowing: boolean | null }).readableFlowing = null; // a Node setter that @types/node marks read-only
      next();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onEnd);
  };
}

/**
 * The start of the top-level "query" string of a JSON body's beginning, decoded;
 * null when the beginning has none (a batch, another key first and long, …).
 */
export function queryPrefix(json: string): string | null {
  let depth = 0;
  let i = 0;
  const n = json.length;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22) {
      const end = stringEnd(json, i);
      if (depth === 1 && json.startsWith('"query"', i) && end === i + 7) {
        const value = /^\s*:\s*"/.exec(json.slice(end, end + 64));
        if (!value) return null;
        const start = end + value[0].length;
        const close = stringEnd(json, start - 1);
        const body = withoutCutEscape(json.slice(start, close === -1 ? n : close - 1));
        try {
          return JSON.parse(`"${body}"`) as string;
        } catch {
          return null;
        }
      }
      if (end === -1) return null;
      i = end;
      continue;
    }
    i++;
  }
  return null;
}

/** The text without an escape cut by the end of the prefix (`\\`, `\\u12`). */
function withoutCutEscape(text: string): string {
  let lastEscape = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x5c) {
      lastEscape = i;
      i++;
    }
  }
  if (lastEscape === -1) return text;
  const needed = text.charCodeAt(lastEscape + 1) === 0x75 ? 6 : 2; // \uXXXX or \n
  return text.length - lastEscape < needed ? text.slice(0, lastEscape) : text;
}

/** The index after the JSON string starting at `start` (a quote), or -1 when the text ends inside it. */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}
