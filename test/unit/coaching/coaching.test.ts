import { describe, expect, it } from 'vitest';
import { coachingCandidates, exampleKind } from '../../../src/coaching/coaching';
import type { ValidSlaTarget } from '../../../src/sla/evaluation';

const target = (metric: string, comparator: 'AT_LEAST' | 'AT_MOST', value: number, weight = 1): ValidSlaTarget =>
  ({ metric, comparator, target: value, warning: null, weight, penaltyPerBreach: 0 }) as ValidSlaTarget;

describe('coachingCandidates', () => {
  const targets = [target('csatScore', 'AT_LEAST', 0.85, 1), target('averageHandleTime', 'AT_MOST', 300, 2)];
  const agent = (key: string, handled: number, csatScore: number, averageHandleTime: number) => ({ row: key, agentKey: key, metrics: { handled, csatScore, averageHandleTime } });

  it('keeps agents with enough contacts that breach a target, by weighted misses then key, misses heaviest first', () => {
    const list = coachingCandidates([agent('dee', 50, 0.8, 200), agent('al', 50, 0.9, 400), agent('bo', 50, 0.7, 500), agent('cy', 5, 0.1, 900), agent('ed', 50, 0.9, 250)], targets, 20);
    expect(list.map((e) => e.row)).toEqual(['bo', 'al', 'dee']);
    expect(list[0]!.misses.map((m) => m.metric)).toEqual(['averageHandleTime', 'csatScore']);
  });

  it('orders misses of equal weight by how far they miss, relative to the target', () => {
    const even = [target('csatScore', 'AT_LEAST', 0.85), target('averageHandleTime', 'AT_MOST', 300)];
    const [entry] = coachingCandidates([agent('al', 50, 0.84, 600)], even, 0);
    expect(entry!.misses.map((m) => m.metric)).toEqual(['averageHandleTime', 'csatScore']);
  });
});

describe('exampleKind', () => {
  it('shows each miss by the contacts behind it', () => {
    expect(['csatScore', 'complaintRate', 'serviceLevel', 'firstContactResolutionRate', 'averageHandleTime'].map(exampleKind)).toEqual([
      'LOWEST_CSAT', 'COMPLAINTS', 'LONGEST_WAIT', 'UNRESOLVED', 'LONGEST_HANDLE_TIME',
    ]);
    expect(['qaScore', 'fatalErrorRate', 'fatalErrors'].map(exampleKind)).toEqual(['LOWEST_QA_SCORE', 'FATAL_ERRORS', 'FATAL_ERRORS']);
  });
});
