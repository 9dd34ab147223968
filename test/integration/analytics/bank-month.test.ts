import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { useTestServer } from '../../support/server';
import { importAnonymousBank } from '../../../src/contacts/import/anonymous-bank-import';

/**
 * Real data no one on the team wrote: the anonymous bank's February 1999, imported
 * through the import command, then asked for through `kpis`. The expected figures
 * are computed here straight from the TSV with the README's documented mapping
 * ("The 1999 bank month"), without any of the importer's or the engine's code.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BANK_FILE = path.resolve(repoRoot, '../shared/data/anonymous-bank-1999-02.tsv');
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

/** February 1999 per queue type (and '' for the month), straight from the file. */
async function expectedFromFile(): Promise<Map<string, Figures>> {
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
    for (const key of [col(cells, 'type'), '']) {
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
});
