import { describe, expect, it } from 'vitest';
import { checkSteps, runSteps, type Step } from '../../../src/platform/step-graph';

/** Steps that record when they start and end (ticks of a shared clock) and on which worker; each takes `ms`. */
function recorder() {
  const log: Array<{ name: string; worker: string; event: 'start' | 'end' }> = [];
  let running = 0;
  let most = 0;
  const step = (name: string, after: string[] = [], ms = 5, fail = false): Step<string> => ({
    name,
    after,
    run: async (worker) => {
      log.push({ name, worker, event: 'start' });
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      log.push({ name, worker, event: 'end' });
      if (fail) throw new Error(`${name} failed`);
    },
  });
  const at = (name: string, event: 'start' | 'end') => log.findIndex((e) => e.name === name && e.event === event);
  return { log, step, at, most: () => most };
}

describe('runSteps', () => {
  it('starts a step only after every step it waits for has finished', async () => {
    const r = recorder();
    await runSteps([r.step('a', [], 20), r.step('b', [], 5), r.step('c', ['a', 'b']), r.step('d', ['c'])], ['w1', 'w2']);
    expect(r.at('c', 'start')).toBeGreaterThan(r.at('a', 'end'));
    expect(r.at('c', 'start')).toBeGreaterThan(r.at('b', 'end'));
    expect(r.at('d', 'start')).toBeGreaterThan(r.at('c', 'end'));
    expect(r.log.filter((e) => e.event === 'end')).toHaveLength(4);
  });

  it('keeps every worker busy while steps are ready, and never runs more at once than there are workers', async () => {
    const r = recorder();
    await runSteps(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => r.step(n, [], 10)), ['w1', 'w2', 'w3']);
    expect(r.most()).toBe(3);
    expect(new Set(r.log.map((e) => e.worker))).toEqual(new Set(['w1', 'w2', 'w3']));
  });

  it('takes ready steps in the order given', async () => {
    const r = recorder();
    await runSteps([r.step('first'), r.step('second'), r.step('third')], ['only']);
    expect(r.log.filter((e) => e.event === 'start').map((e) => e.name)).toEqual(['first', 'second', 'third']);
  });

  it('starts nothing after a failure, lets the running steps finish, then throws the failure', async () => {
    const r = recorder();
    const run = runSteps([r.step('fails', [], 5, true), r.step('long', [], 30), r.step('later', ['fails']), r.step('free', [], 5)], ['w1', 'w2']);
    await expect(run).rejects.toThrow('fails failed');
    expect(r.at('long', 'end')).toBeGreaterThan(-1);
    expect(r.at('later', 'start')).toBe(-1);
    expect(r.at('free', 'start')).toBe(-1);
  });

  it('refuses steps that could never all start, before running any', async () => {
    const r = recorder();
    await expect(runSteps([r.step('a', ['b']), r.step('b', ['a'])], ['w'])).rejects.toThrow('steps wait for each other: a, b');
    await expect(runSteps([r.step('a', ['nowhere'])], ['w'])).rejects.toThrow('step "a" waits for "nowhere", which is not a step');
    await expect(runSteps([r.step('a'), r.step('a')], ['w'])).rejects.toThrow('step "a" is named twice');
    await expect(runSteps([r.step('a')], [])).rejects.toThrow('no worker');
    expect(r.log).toHaveLength(0);
    expect(() => checkSteps([{ name: 'x', after: [] }, { name: 'y', after: ['x'] }])).not.toThrow();
  });
});
