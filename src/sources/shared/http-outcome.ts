/** What an HTTP status from a platform means for a stream (DESIGN §3 following rules). */
import { parseRetryAfter } from '../../util/retry-after.ts';
import { PlatformError } from '../errors.ts';
import type { StreamOutcome } from '../types.ts';
import { clip } from '../../util/clip.ts';

export function outcomeForStatus(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): StreamOutcome {
  const reason = `HTTP ${status}${body ? `: ${summarize(body)}` : ''}`;
  if (status === 401 || status === 403) return { kind: 'auth_failed', status, reason };
  if (status === 404 || status === 410) return { kind: 'finished', reason };
  return { kind: 'retry', delayMs: parseRetryAfter(headers['retry-after']), reason, delivered: false };
}

/** The platform's error message, short: `{"error":{"message":…}}` or the text itself. */
export function summarize(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return clip(message, 300);
  } catch {
    // not JSON: use the text
  }
  return clip(body.replace(/\s+/g, ' ').trim(), 300);
}

/** `<what> failed: HTTP <status>: <platform message>`, carrying the status and any Retry-After. */
export function httpError(
  what: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): PlatformError {
  return new PlatformError(`${what} failed: HTTP ${status}${body ? `: ${summarize(body)}` : ''}`, status, parseRetryAfter(headers['retry-after']));
}

/** The start of an error answer's body, for the error message only (a failed read gives ''). */
export async function readErrorBody(body: { text(): Promise<string> }): Promise<string> {
  try {
    return clip(await body.text(), 2000);
  } catch {
    return '';
  }
}
