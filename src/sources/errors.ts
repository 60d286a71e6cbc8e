import { SourceError } from '../errors.ts';

/**
 * A platform call that failed (listing, a get). Discovery and followers read `status` to decide
 * what it means, and `retryAfterMs` is the least wait the platform asked for (429/503
 * Retry-After), which the discovery loop honours.
 */
export class PlatformError extends SourceError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status?: number, retryAfterMs?: number) {
    super('PLATFORM', message);
    this.name = 'PlatformError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}
