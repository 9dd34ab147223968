// Types of csv.js for the TypeScript tests (the client itself is plain JavaScript).
export function toCsv<R>(columns: Array<{ label: string; value(row: R): unknown }>, rows: R[]): string;
