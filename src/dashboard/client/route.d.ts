// Types of route.js for the TypeScript tests (the client itself is plain JavaScript).
export const VIEWS: Array<{ id: string; title: string }>;
export function parseHash(hash: string): { view: string; params: Record<string, string> };
export function formatHash(view: string, params?: Record<string, string | number | null | undefined>): string;
