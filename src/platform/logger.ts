import { pino, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** Structured JSON logs on stdout; one line per event. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'callpulse' }, timestamp: pino.stdTimeFunctions.isoTime });
}
