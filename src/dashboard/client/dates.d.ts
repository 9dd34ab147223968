// Types of dates.js for the TypeScript tests (the client itself is plain JavaScript).
export function todayIn(timeZone: string): string;
export function localDate(timeZone: string, instant: string | number | Date): string;
export function addDays(date: string, days: number): string;
export function clockIn(instant: string, timeZone: string): string;
export function isDate(value: unknown): boolean;
