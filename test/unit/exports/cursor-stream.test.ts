import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Sql } from '../../../src/analytics/sql';
import { streamCursor } from '../../../src/exports/cursor-stream';
import { classifyDatabaseError } from '../../../src/platform/db-errors';

/** A response that records what is written. */
function response() {
  const res = Object.assign(new EventEmitter(), {
    written: [] as string[],
    writableFinished: false,
    locals: {},
    write(chunk: string | Buffer) {
      res.written.push(chunk.toString());
      return true;
    },
    end() {
      res.writableFinished = true;
    },
    destroy() {},
  });
  return res;
}

describe('streamCursor', () => {
  it('refuses before the first byte with an error the database-failure handler classifies, when the database cannot be reached', async () => {
    const res = response();
    let started = false;
    const streamed = streamCursor({
      connection: { connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 1_000 },
      query: new Sql('select 1'),
      header: 'h\r\n',
      res: res as unknown as Response,
      logger: pino({ level: 'silent' }),
      start: () => (started = true),
    });
    const error = await streamed.then(() => null, (e: unknown) => e);
    expect(classifyDatabaseError(error)).toMatchObject({ kind: 'unavailable' });
    expect(started).toBe(false);
    expect(res.written).toEqual([]);
  });
});
