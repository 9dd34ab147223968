import { existsSync, statSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { MAX_CONTACTS_PER_BATCH } from '../contacts/contact.validation';
import { DEFAULT_BANK_TIME_ZONE } from './anonymous-bank-import';
import { DEFAULT_BATCH_SIZE } from './import-rows';

/** Command-line arguments of `seed-demo`, `import` and `rebuild`, checked before any database is opened. */

export class UsageError extends Error {}

export type DataCommand =
  | { command: 'seed-demo'; organization?: string; days?: number; endDate?: string }
  | { command: 'rebuild'; organization?: string }
  | {
      command: 'import';
      kind: ImportKind;
      file: string;
      organization?: string;
      skipInvalid: boolean;
      batchSize: number;
      timeZone: string;
    };

export const IMPORT_KINDS = ['contacts', 'activity', 'anonymous-bank'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Which options each command takes: a flag, or an option with a value. */
const OPTIONS: Record<string, Record<string, 'flag' | 'value'>> = {
  'seed-demo': { organization: 'value', days: 'value', 'end-date': 'value' },
  rebuild: { organization: 'value' },
  contacts: { organization: 'value', 'skip-invalid': 'flag', 'batch-size': 'value' },
  activity: { organization: 'value', 'skip-invalid': 'flag', 'batch-size': 'value' },
  'anonymous-bank': { organization: 'value', 'skip-invalid': 'flag', 'batch-size': 'value', 'time-zone': 'value' },
};

export function parseDataCommand(command: string, args: readonly string[]): DataCommand {
  if (command === 'seed-demo') {
    const { positional, options } = splitArgs(args, OPTIONS['seed-demo']);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    return {
      command,
      organization: options.get('organization'),
      days: options.has('days') ? positiveInteger('--days', options.get('days')!, 3660) : undefined,
      endDate: options.has('end-date') ? calendarDate('--end-date', options.get('end-date')!) : undefined,
    };
  }
  if (command === 'rebuild') {
    const { positional, options } = splitArgs(args, OPTIONS.rebuild);
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}": use rebuild [--organization SLUG]`);
    return { command, organization: options.get('organization') };
  }
  const [kind, ...rest] = args;
  if (!IMPORT_KINDS.includes(kind as ImportKind)) {
    throw new UsageError(`${kind ? `unknown kind "${kind}"` : 'missing kind'}: use import ${IMPORT_KINDS.join('|')} FILE [options]`);
  }
  const { positional, options } = splitArgs(rest, OPTIONS[kind]);
  if (positional.length !== 1) throw new UsageError(`expected one FILE, got ${positional.length}: import ${kind} FILE [options]`);
  const file = positional[0];
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`file not found: ${file}`);
  const timeZone = options.get('time-zone') ?? DEFAULT_BANK_TIME_ZONE;
  if (!IANAZone.isValidZone(timeZone)) throw new UsageError(`--time-zone: "${timeZone}" is not an IANA time zone (e.g. Asia/Jerusalem)`);
  return {
    command: 'import',
    kind: kind as ImportKind,
    file,
    organization: options.get('organization'),
    skipInvalid: options.has('skip-invalid'),
    batchSize: options.has('batch-size')
      ? positiveInteger('--batch-size', options.get('batch-size')!, MAX_CONTACTS_PER_BATCH)
      : DEFAULT_BATCH_SIZE,
    timeZone,
  };
}

/** Splits `--name value`, `--name=value` and `--flag` from positional arguments. */
function splitArgs(args: readonly string[], allowed: Record<string, 'flag' | 'value'>) {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const type = allowed[name];
    if (!type) throw new UsageError(`unknown option --${name} (options: ${Object.keys(allowed).map((o) => `--${o}`).join(', ')})`);
    if (type === 'flag') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options.set(name, 'true');
    } else {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    }
  }
  return { positional, options };
}

function positiveInteger(name: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return n;
}

function calendarDate(name: string, raw: string): string {
  const date = new Date(`${raw}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw) {
    throw new UsageError(`${name} must be a date as YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}
