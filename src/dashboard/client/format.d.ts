// Types of format.js for the TypeScript tests (the client itself is plain JavaScript).
export type Unit = 'ratio' | 'seconds' | 'decimal' | 'count';
export function unitOf(metric: string): Unit;
export function formatValue(value: number | null | undefined, unit?: Unit): string;
export function labelOf(metric: string): string;
