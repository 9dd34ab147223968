import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../src/dashboard/client/csv.js';
import { addDays, clockIn, localDate } from '../../../src/dashboard/client/dates.js';
import { formatValue, labelOf, unitOf } from '../../../src/dashboard/client/format.js';
import { formatHash, parseHash } from '../../../src/dashboard/client/route.js';

/** The dashboard's pure client modules (plain JavaScript, bundled for the browser; run here in Node). */

describe('parseHash and formatHash', () => {
  it('round-trip a view and its choices, leaving out empty ones', () => {
    const hash = formatHash('explore', { metric: 'serviceLevel', groupBy: '', scope: 'queue:billing', from: undefined });
    expect(hash).toBe('#/explore?metric=serviceLevel&scope=queue%3Abilling');
    expect(parseHash(hash)).toEqual({ view: 'explore', params: { metric: 'serviceLevel', scope: 'queue:billing' } });
  });
  it('reads an unknown or empty view as the wallboard, and knows the contacts view behind links', () => {
    expect(parseHash('').view).toBe('wallboard');
    expect(parseHash('#/nothing?x=1')).toEqual({ view: 'wallboard', params: { x: '1' } });
    expect(parseHash('#/contacts?from=a').view).toBe('contacts');
  });
});

describe('toCsv', () => {
  it('writes RFC 4180: CRLF lines, quotes doubled, fields with commas, quotes or line breaks quoted, null empty', () => {
    const columns = [
      { label: 'name', value: (r: { name: string; n: number | null }) => r.name },
      { label: 'n, count', value: (r: { name: string; n: number | null }) => r.n },
    ];
    expect(toCsv(columns, [{ name: 'say "hi"', n: 1 }, { name: 'two\nlines', n: null }])).toBe(
      'name,"n, count"\r\n"say ""hi""",1\r\n"two\nlines",\r\n',
    );
  });
});

describe('format', () => {
  it('knows each metric unit by its name', () => {
    expect(['serviceLevel', 'abandonRate', 'csatScore', 'occupancy'].map(unitOf)).toEqual(['ratio', 'ratio', 'ratio', 'ratio']);
    expect(['averageSpeedOfAnswer', 'averageHandleTime', 'waitTimePercentile'].map(unitOf)).toEqual(['seconds', 'seconds', 'seconds']);
    expect(['netPromoterScore', 'staffedAgents'].map(unitOf)).toEqual(['decimal', 'decimal']);
    expect(['offered', 'complaints', 'requiredStaff'].map(unitOf)).toEqual(['count', 'count', 'count']);
    // QA: the mean score is a fraction (shown as %), fatal errors a count, their rate a ratio.
    expect(['qaScore', 'fatalErrorRate', 'fatalErrors', 'qaEvaluations'].map(unitOf)).toEqual(['ratio', 'ratio', 'count', 'count']);
  });
  it('writes ratios as percentages, seconds and decimals with one decimal, counts whole, no value as a dash', () => {
    expect(formatValue(0.8125, 'ratio')).toBe('81.3%');
    expect(formatValue(40.75, 'seconds')).toBe('40.8 s');
    expect(formatValue(-31.5, 'decimal')).toBe('-31.5');
    expect(formatValue(31125, 'count')).toBe('31,125');
    expect(formatValue(null, 'ratio')).toBe('–');
    expect(labelOf('averageSpeedOfAnswer')).toBe('Average speed of answer');
  });
});

describe('dates', () => {
  it('takes local dates and clocks in the zone, and adds calendar days across month ends', () => {
    expect(localDate('Europe/Berlin', '2026-11-30T23:00:00Z')).toBe('2026-12-01');
    expect(localDate('America/New_York', '2026-12-01T03:00:00Z')).toBe('2026-11-30');
    expect(clockIn('2026-10-25T01:15:00Z', 'Europe/Berlin')).toBe('02:15');
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -399)).toBe('2025-01-26');
  });
});
