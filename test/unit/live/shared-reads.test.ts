import { describe, expect, it } from 'vitest';
import { SharedReads } from '../../../src/live/shared-reads';
import { reportShape } from '../../../src/live/live-kpis';
import { parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

/** A source whose reads the test finishes by hand; each read returns the value the source had when it started. */
function source() {
  const state = { value: 0, clock: 0, started: 0 };
  const pending: Array<() => void> = [];
  const read = () => {
    state.started++;
    const value = state.value;
    return new Promise<number>((resolve) => pending.push(() => resolve(value)));
  };
  const finishAll = () => pending.splice(0).forEach((finish) => finish());
  return { state, read, finishAll, reads: new SharedReads<number>(() => state.clock) };
}

describe(SharedReads.name, () => {
  it('serves every subscription poked by one notice with one read, running or finished', async () => {
    const { state, read, finishAll, reads } = source();
    ['a', 'b', 'c'].forEach(() => reads.join('wallboard'));
    state.value = 1;
    state.clock = 1; // a notice: all three poked at 1
    const first = reads.read('wallboard', 1, read);
    const second = reads.read('wallboard', 1, read);
    finishAll();
    expect([await first, await second]).toEqual([1, 1]);
    expect(await reads.read('wallboard', 1, read)).toBe(1); // paced later, the finished read still serves it
    expect(state.started).toBe(1);
  });

  it('never serves a read that started before the notice that poked the subscription', async () => {
    const { state, read, finishAll, reads } = source();
    reads.join('wallboard');
    state.clock = 1;
    const before = reads.read('wallboard', 1, read); // started at 1, sees value 0
    state.value = 2;
    state.clock = 2; // a write committed and heard while that read ran
    const after = reads.read('wallboard', 2, read);
    finishAll();
    expect([await before, await after]).toEqual([0, 2]);
    expect(state.started).toBe(2);
  });

  it('keeps shapes apart, forgets a shape with its last subscription, and does not keep a failed read', async () => {
    const { state, read, finishAll, reads } = source();
    const leaveA = reads.join('a');
    const leaveA2 = reads.join('a');
    reads.join('b');
    const a = reads.read('a', 0, read);
    const b = reads.read('b', 0, read);
    finishAll();
    await Promise.all([a, b]);
    expect(state.started).toBe(2);
    leaveA();
    leaveA();  // leaving twice counts once
    expect(reads.size).toBe(2);
    leaveA2();
    expect(reads.size).toBe(1);

    const failing = reads.read('b', 5, () => Promise.reject(new Error('database away')));
    await expect(failing).rejects.toThrow('database away');
    await Promise.resolve();
    const again = reads.read('b', 5, read);
    finishAll();
    expect(await again).toBe(0);
    expect(state.started).toBe(3);
  });
});

describe(reportShape.name, () => {
  const infoOf = (document: string, variableValues: Record<string, unknown> = {}) => {
    const doc = parse(document);
    const operation = doc.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
    const fragments = Object.fromEntries(
      doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
    );
    return { operation, fragments, variableValues };
  };
  const doc = 'subscription($q: KpiQuery!) { liveKpis(query: $q) { total { offered } } }';
  const query = { range: { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') }, groupBy: ['QUEUE'] } as never;

  it('is the same for the same organization, document and query, whatever the spacing', () => {
    expect(reportShape(1, query, infoOf(doc))).toBe(reportShape(1, query, infoOf(doc.replace(/ /g, '  '))));
  });

  it('differs by organization, selection, fragment, variables and query', () => {
    const base = reportShape(1, query, infoOf(doc));
    expect(reportShape(2, query, infoOf(doc))).not.toBe(base);
    expect(reportShape(1, query, infoOf(doc.replace('offered', 'answered')))).not.toBe(base);
    expect(reportShape(1, { ...(query as object), groupBy: ['TEAM'] } as never, infoOf(doc))).not.toBe(base);
    const threshold = 'subscription($q: KpiQuery!, $t: Int!) { liveKpis(query: $q) { total { answeredWithin(thresholdSeconds: $t) } } }';
    expect(reportShape(1, query, infoOf(threshold, { t: 20 }))).not.toBe(reportShape(1, query, infoOf(threshold, { t: 30 })));
    const withFragment = (field: string) =>
      infoOf(`subscription($q: KpiQuery!) { liveKpis(query: $q) { ...F } } fragment F on KpiReport { total { ${field} } }`);
    expect(reportShape(1, query, withFragment('offered'))).not.toBe(reportShape(1, query, withFragment('answered')));
  });
});
