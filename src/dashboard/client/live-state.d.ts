// Types of live-state.js for the TypeScript tests (the client itself is plain JavaScript).
export type LiveMode = 'connecting' | 'live' | 'reconnecting' | 'polling';
export interface LiveState { mode: LiveMode; everConnected: boolean; reason: string | undefined }
export type LiveEvent = { type: 'connected' } | { type: 'closed' } | { type: 'grace-elapsed' } | { type: 'failed'; reason: string };
export const REFRESH_MS: number;
export const CONNECT_GRACE_MS: number;
export const MAX_RETRY_WAIT_MS: number;
export const FATAL_CLOSE_CODES: number[];
export function initialLive(): LiveState;
export function nextLive(state: LiveState, event: LiveEvent): LiveState;
export function polls(mode: LiveMode): boolean;
export function retryWaitMs(retries: number, random?: number): number;
export function liveLabel(state: LiveState): string;
export function reasonOf(error: unknown): string;
export function socketUrlOf(endpoint: string, pageUrl: string): string;
