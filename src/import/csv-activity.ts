import { parseInteger, parseTimestamp, type CsvFormat } from './csv-format';
import type { ActivityFields } from '../activity/activity.validation';

/** The agent activity CSV (`import activity FILE`): one agent × 15-minute interval per row. */

export const ACTIVITY_CSV_COLUMNS = [
  'agent', 'team', 'interval_start', 'logged_in_seconds', 'available_seconds', 'handling_seconds', 'not_ready_seconds',
] as const;
type Column = (typeof ACTIVITY_CSV_COLUMNS)[number];

export const ACTIVITY_CSV: CsvFormat<Column, ActivityFields> = {
  columns: ACTIVITY_CSV_COLUMNS,
  required: ACTIVITY_CSV_COLUMNS.filter((c) => c !== 'team'),
  toFields: (cell) => ({
    agent: cell('agent') ?? '',
    team: cell('team'),
    // validateActivity reports an Invalid Date or NaN with its usual rule.
    intervalStart: parseTimestamp(cell('interval_start')) ?? new Date(Number.NaN),
    loggedInSeconds: parseInteger(cell('logged_in_seconds')) ?? Number.NaN,
    availableSeconds: parseInteger(cell('available_seconds')) ?? Number.NaN,
    handlingSeconds: parseInteger(cell('handling_seconds')) ?? Number.NaN,
    notReadySeconds: parseInteger(cell('not_ready_seconds')) ?? Number.NaN,
  }),
};
