/**
 * How one connection of a stream ended, as the readers (SSE, NDJSON, WebSocket, a poll) say it,
 * and the one mapping of that to the supervisor's StreamOutcome (DESIGN §3 following rules).
 */
import type { StreamOutcome } from '../types.ts';
import { outcomeForStatus } from './http-outcome.ts';

export type Headers = Record<string, string | string[] | undefined>;

export type ConnectionEnd =
  /** The server ended the connection (or a reader stopped it on purpose); `retryMs`: SSE `retry:`. */
  | { kind: 'ended'; reason?: string; retryMs?: number }
  | { kind: 'network_error'; error: Error; retryMs?: number }
  /** The server answered an HTTP error status instead of a stream. */
  | { kind: 'http_error'; status: number; headers: Headers; body: string }
  /** Our own signal stopped it. */
  | { kind: 'aborted' };

/** The outcome of a connection that ended so; `delivered`: it handed new records on. */
export function outcomeOf(end: ConnectionEnd, delivered: boolean): StreamOutcome {
  switch (end.kind) {
    case 'ended':
      return { kind: 'retry', baseDelayMs: end.retryMs, reason: end.reason ?? 'server closed the stream', delivered };
    case 'network_error':
      return { kind: 'retry', baseDelayMs: end.retryMs, reason: end.error.message, delivered };
    case 'http_error':
      return outcomeForStatus(end.status, end.headers, end.body);
    case 'aborted':
      return { kind: 'retry', reason: 'stopping', delivered };
  }
}
