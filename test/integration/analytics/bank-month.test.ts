import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { expectedStaffing } from '../../support/erlang-reference';
import { useTestServer } from '../../support/server';
import { importAnonymousBank } from '../../../src/import/anonymous-bank-import';

/**
 * Real data no one on the team wrote: the anonymous bank's February 1999, imported
 * through the import command, then asked for through `kpis`. The expected figures
 * are computed here straight from the TSV with the README's documented mapping
 * ("The 1999 bank month"), without any of the importer's or the engine's code.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BANK_FILE = path.resolve(repoRoot, 'data/anonymous-bank-1999-02.tsv');
const ZONE = 'Asia/Jerusalem';
const T = 20;

interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithinThreshold: number;
  answeredWait: number;
  talk: number;
}

const seconds = (clock: string) => {
  const [h, m, s] = clock.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

/** Where a call of the file is counted: its queue type, its local day of February and clock second. */
type KeysOf = (call: { type: string; day: number; clock: number }) => string[];

/** February 1999 per queue type (and '' for the month), straight from the file. */
async function expectedFromFile(keysOf: KeysOf = ({ type }) => [type, '']): Promise<Map<string, Figures>> {
  const lines = (await readFile(BANK_FILE, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = lines[0].split('\t');
  const col = (cells: string[], name: string) => cells[names.indexOf(name)].trim();
  const out = new Map<string, Figures>();
  const bump = (key: string, f: (x: Figures) => void) => {
    if (!out.has(key)) out.set(key, { offered: 0, answered: 0, abandoned: 0, answeredWithinThreshold: 0, answeredWait: 0, talk: 0 });
    f(out.get(key)!);
  };
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const outcome = col(cells, 'outcome');
    const qStart = col(cells, 'q_start');
    const queued = qStart !== '0:00:00';
    if (outcome === 'PHANTOM') continue;
    if (outcome === 'HANG' && !queued) continue;
    expect(['AGENT', 'HANG']).toContain(outcome);

    // offeredAt: queue entry, else service start, else VRU exit; a clock time more than
    // 12 hours before VRU entry is past midnight. February 1999 in Jerusalem is UTC+2
    // throughout (checked below), so the local day decides whether a call is in the month.
    const serStart = col(cells, 'ser_start');
    const clock = seconds(queued ? qStart : serStart !== '0:00:00' ? serStart : col(cells, 'vru_exit'));
    const nextDay = clock < seconds(col(cells, 'vru_entry')) - 12 * 3600;
    const date = col(cells, 'date'); // YYMMDD
    const day = Number(date.slice(4, 6)) + (nextDay ? 1 : 0);
    if (date.slice(0, 4) !== '9902' || day > 28) continue;

    const answered = outcome === 'AGENT';
    const wait = queued ? Number(col(cells, 'q_time')) : 0; // never-queued served calls wait 0
    const talk = Number(col(cells, 'ser_time'));
    for (const key of keysOf({ type: col(cells, 'type'), day, clock })) {
      bump(key, (x) => {
        x.offered++;
        if (answered) {
          x.answered++;
          x.answeredWait += wait;
          x.talk += talk;
          if (wait <= T) x.answeredWithinThreshold++;
        } else x.abandoned++;
      });
    }
  }
  return out;
}

const FIELDS = 'offered answered abandoned abandonRate serviceLevel averageSpeedOfAnswer averageHandleTime';
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { queue { key } ${FIELDS} } total { ${FIELDS} } } }`;

const percent = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
const secs = (x: number | null) => (x === null ? '–' : x.toFixed(1));

describe('the 1999 bank month through kpis', () => {
  const server = useTestServer();

  it('reports February 1999 per queue type exactly as the raw log says', { timeout: 240_000 }, async () => {
    // The month has one offset in Jerusalem (Israel's 1999 summer time began in April).
    expect(DateTime.fromISO('1999-02-01T00:00:00', { zone: ZONE }).offset).toBe(120);
    expect(DateTime.fromISO('1999-03-01T00:00:00', { zone: ZONE }).offset).toBe(120);

    const expected = await expectedFromFile();
    const month = expected.get('')!;
    expect(month.offered).toBeGreaterThan(30_000);

    const summary = await importAnonymousBank(server.db.orm.em, server.org.id, BANK_FILE, { timeZone: ZONE });
    expect(summary).toMatchObject({ read: 33_344, rejected: 0, written: true });

    const res = await server.gql(KPIS, {
      q: {
        range: { from: '1999-02-01T00:00:00+02:00', to: '1999-03-01T00:00:00+02:00' },
        timeZone: ZONE,
        groupBy: ['QUEUE'],
        serviceLevelThresholdSeconds: T,
      },
    });
    expect(res.errors).toBeUndefined();
    const { rows, total } = res.data.kpis;

    const check = (actual: any, e: Figures) => {
      expect({ offered: actual.offered, answered: actual.answered, abandoned: actual.abandoned }).toEqual({
        offered: e.offered,
        answered: e.answered,
        abandoned: e.abandoned,
      });
      expect(actual.abandonRate).toBeCloseTo(e.abandoned / (e.answered + e.abandoned), 9);
      expect(actual.serviceLevel).toBeCloseTo(e.answeredWithinThreshold / (e.answered + e.abandoned), 9);
      expect(actual.averageSpeedOfAnswer).toBeCloseTo(e.answeredWait / e.answered, 9);
      expect(actual.averageHandleTime).toBeCloseTo(e.talk / e.answered, 9); // AHT = talk: no hold or ACW in the log
    };
    const types = [...expected.keys()].filter((k) => k !== '').sort();
    expect(rows.map((r: any) => r.queue.key)).toEqual(types);
    for (const row of rows) check(row, expected.get(row.queue.key)!);
    check(total, month);

    const line = (name: string, r: any) =>
      `| ${name} | ${r.offered} | ${r.answered} | ${r.abandoned} | ${percent(r.abandonRate)} | ${percent(r.serviceLevel)} | ${secs(r.averageSpeedOfAnswer)} | ${secs(r.averageHandleTime)} |`;
    console.log(
      [
        '| queue | offered | answered | abandoned | abandon rate | service level (20 s) | ASA (s) | AHT (s) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...rows.map((r: any) => line(r.queue.key, r)),
        line('**month**', total),
      ].join('\n'),
    );
  });

  it('staffs a Monday by half hour with Erlang C from its own volume, and forecasts the next from three Mondays', async () => {
    // Monday 15 February 1999, Jerusalem; per half hour straight from the file.
    const halfHours = await expectedFromFile(({ day, clock }) => [`${day}|${Math.floor((clock % 86_400) / 1800)}`]);
    const STAFFING = `query($q: StaffingQuery!) { staffing(query: $q) {
      periodStart offered averageHandleTime trafficErlangs requiredAgents requiredStaff expectedServiceLevel expectedAverageSpeedOfAnswer expectedOccupancy } }`;
    const day = (d: number) => ({ from: `1999-02-${d}T00:00:00+02:00`, to: `1999-02-${d + 1}T00:00:00+02:00` });
    const actual = await server.gql(STAFFING, { q: { range: day(15), timeZone: ZONE } });
    expect(actual.errors).toBeUndefined();
    const intervals = actual.data.staffing;
    expect(intervals).toHaveLength(48);
    let busy = 0;
    intervals.forEach((interval: any, i: number) => {
      const e = halfHours.get(`15|${i}`);
      if (!e || e.answered === 0) {
        expect(interval.offered).toBe(e?.offered ?? 0);
        return;
      }
      busy++;
      expect(interval.offered).toBe(e.offered);
      expect(interval.averageHandleTime).toBeCloseTo(e.talk / e.answered, 9);
      const want = expectedStaffing(e.offered, e.talk / e.answered, 1800);
      for (const [name, value] of Object.entries(want)) expect(interval[name], `${interval.periodStart} ${name}`).toBeCloseTo(value, 9);
    });
    expect(busy).toBeGreaterThan(30);

    // Monday 22 February, forecast from 15, 8 and 1 February: the mean volume per half hour.
    const forecast = (await server.gql(STAFFING, { q: { range: day(22), timeZone: ZONE, source: 'FORECAST', weeksOfHistory: 3 } })).data.staffing;
    forecast.forEach((interval: any, i: number) => {
      const mondays = [15, 8, 1].map((d) => halfHours.get(`${d}|${i}`));
      expect(interval.offered, interval.periodStart).toBeCloseTo(mondays.reduce((n, m) => n + (m?.offered ?? 0), 0) / 3, 9);
      // AHT pooled over the three Mondays' calls: total talk / answered, not a mean of means.
      const answered = mondays.reduce((n, m) => n + (m?.answered ?? 0), 0);
      if (answered > 0) expect(interval.averageHandleTime).toBeCloseTo(mondays.reduce((n, m) => n + (m?.talk ?? 0), 0) / answered, 9);
    });
    const actual22 = (await server.gql(STAFFING, { q: { range: day(22), timeZone: ZONE } })).data.staffing;

    const hhmm = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('HH:mm');
    console.log(
      [
        '| half hour | offered | AHT (s) | traffic (Erl) | agents for 80/20 | staff (30 % shrinkage) | SL at that N | 22 Feb forecast offered | forecast staff | 22 Feb actual offered |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...intervals
          .map((r: any, i: number) => ({ r, f: forecast[i], a: actual22[i] }))
          .filter(({ r, f }: any) => r.offered > 0 || f.offered > 0)
          .map(({ r, f, a }: any) =>
            `| ${hhmm(r.periodStart)} | ${r.offered} | ${secs(r.averageHandleTime)} | ${r.trafficErlangs.toFixed(2)} | ${r.requiredAgents} | ${r.requiredStaff} | ${percent(r.expectedServiceLevel)} | ${f.offered.toFixed(1)} | ${f.requiredStaff} | ${a.offered} |`,
          ),
      ].join('\n'),
    );
  });
});
