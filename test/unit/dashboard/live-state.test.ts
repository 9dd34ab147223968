import { describe, expect, it } from 'vitest';
import {
  FATAL_CLOSE_CODES,
  MAX_RETRY_WAIT_MS,
  initialLive,
  liveLabel,
  nextLive,
  polls,
  reasonOf,
  retryWaitMs,
  socketUrlOf,
  type LiveEvent,
  type LiveState,
} from '../../../src/dashboard/client/live-state.js';

/** The wallboard's live connection rules (live-state.js), without a socket. */

const run = (...events: LiveEvent[]): LiveState => events.reduce(nextLive, initialLive());

describe('nextLive', () => {
  it('is live once the server acknowledges, and reconnecting (polled meanwhile) when a live socket drops', () => {
    expect(run().mode).toBe('connecting');
    expect(run({ type: 'connected' }).mode).toBe('live');
    const dropped = run({ type: 'connected' }, { type: 'closed' });
    expect(dropped.mode).toBe('reconnecting');
    expect(polls(dropped.mode)).toBe(true);
    expect(run({ type: 'connected' }, { type: 'closed' }, { type: 'closed' }, { type: 'connected' }).mode).toBe('live');
  });

  it('falls back to polling when the socket never opened: closed before connecting, or still connecting after the grace', () => {
    expect(run({ type: 'closed' }).mode).toBe('polling');
    expect(run({ type: 'grace-elapsed' }).mode).toBe('polling');
    // The grace changes nothing once connected, and a later connection makes it live.
    expect(run({ type: 'connected' }, { type: 'grace-elapsed' }).mode).toBe('live');
    expect(run({ type: 'closed' }, { type: 'connected' }).mode).toBe('live');
    expect(polls('live')).toBe(false);
    expect(polls('connecting')).toBe(false);
  });

  it('keeps the reason of a fatal failure and says it', () => {
    const failed = run({ type: 'connected' }, { type: 'closed' }, { type: 'failed', reason: 'Forbidden: the API key was revoked' });
    expect(failed.mode).toBe('polling');
    expect(liveLabel(failed)).toBe('Refreshed every 15 s (live updates unavailable: Forbidden: the API key was revoked)');
  });

  it('returns the same state for an event that changes nothing (no re-render, no second poll)', () => {
    const polling = run({ type: 'closed' });
    expect(nextLive(polling, { type: 'closed' })).toBe(polling);
    expect(nextLive(polling, { type: 'grace-elapsed' })).toBe(polling);
  });
});

describe('liveLabel', () => {
  it('writes each mode in words', () => {
    expect(liveLabel(run({ type: 'connected' }))).toBe('Live');
    expect(liveLabel(run())).toBe('Connecting…');
    expect(liveLabel(run({ type: 'connected' }, { type: 'closed' }))).toBe('Reconnecting… (refreshed every 15 s meanwhile)');
    expect(liveLabel(run({ type: 'closed' }))).toBe('Refreshed every 15 s (live updates unavailable)');
  });
});

describe('retryWaitMs', () => {
  it('doubles from one second up to the cap, with under a second of jitter', () => {
    expect([0, 1, 2, 3, 4].map((n) => retryWaitMs(n, 0))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(retryWaitMs(5, 0)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryWaitMs(60, 0.999)).toBe(MAX_RETRY_WAIT_MS + 999);
  });
});

describe('reasonOf and the fatal close codes', () => {
  it('names a close event, a refused subscription and an error', () => {
    expect(reasonOf({ code: 4401, reason: 'Unauthorized: unknown API key' })).toBe('Unauthorized: unknown API key');
    expect(reasonOf({ code: 1006, reason: '' })).toBe('the socket closed (1006)');
    expect(reasonOf([{ message: 'too many subscriptions' }])).toBe('too many subscriptions');
    expect(reasonOf(new Error('boom'))).toBe('boom');
  });
  it('gives up on the server\'s key refusals, not on a restart or a lost connection', () => {
    expect(FATAL_CLOSE_CODES).toContain(4401);
    expect(FATAL_CLOSE_CODES).toContain(4403);
    for (const code of [1001, 1006, 1012, 4408, 4499]) expect(FATAL_CLOSE_CODES).not.toContain(code);
  });
});

describe('socketUrlOf', () => {
  it('is the endpoint on the page\'s host, wss under https', () => {
    expect(socketUrlOf('/graphql', 'http://localhost:4000/dashboard#/wallboard')).toBe('ws://localhost:4000/graphql');
    expect(socketUrlOf('/graphql', 'https://cp.example.com/dashboard')).toBe('wss://cp.example.com/graphql');
  });
});
