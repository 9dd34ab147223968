import { EventEmitter } from 'node:events';
import type express from 'express';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestCancelledError } from '../../../src/platform/db-errors';
import { cancelOnDisconnect } from '../../../src/platform/db-guard';
import { WorkGate } from '../../../src/platform/work-gate';

/** A piece of work that runs until released, recording when it started. */
function pending(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { release, work: async () => (log.push(`start ${name}`), await done, log.push(`end ${name}`), name) };
}

/** Runs `fn` as a request would (inside cancelOnDisconnect); `disconnect()` is its client going away. */
function inRequest<T>(fn: () => Promise<T>): { result: Promise<T>; disconnect: () => void } {
  const res = Object.assign(new EventEmitter(), { writableFinished: false, locals: {} });
  let result!: Promise<T>;
  cancelOnDisconnect(async () => {}, pino({ level: 'silent' }))({} as express.Request, res as unknown as express.Response, () => {
    result = fn();
  });
  return { result, disconnect: () => res.emit('close') };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkGate', () => {
  it('runs at most `max` at once and lets the others in first come, first served', async () => {
    const gate = new WorkGate(2);
    const log: string[] = [];
    const works = ['a', 'b', 'c', 'd'].map((name) => pending(log, name));
    const results = works.map((w) => gate.run(w.work));
    await turn();
    expect(log).toEqual(['start a', 'start b']);
    expect(gate.queued).toBe(2);
    works[1]!.release();
    await turn();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    works[0]!.release();
    works[2]!.release();
    works[3]!.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c', 'start d']);
  });

  it('gives the place back when work fails', async () => {
    const gate = new WorkGate(1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });

  it('does not start the work of a request whose client left while it waited, and passes the turn on', async () => {
    const gate = new WorkGate(1);
    const log: string[] = [];
    const first = pending(log, 'first');
    const running = gate.run(first.work);
    const gone = inRequest(() => gate.run(pending(log, 'gone').work));
    const last = pending(log, 'last');
    const waiting = gate.run(last.work);
    gone.disconnect();
    first.release();
    await expect(gone.result).rejects.toBeInstanceOf(RequestCancelledError);
    await turn();
    last.release();
    expect([await running, await waiting]).toEqual(['first', 'last']);
    expect(log).toEqual(['start first', 'end first', 'start last', 'end last']);
  });

  it('wants at least one place', () => {
    expect(() => new WorkGate(0)).toThrow(RangeError);
  });
});
