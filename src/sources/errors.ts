/** A configured feature (a source type, an auth type) that this version does not have yet. */
export class SourceUnavailableError extends Error {
  /** The key path inside the source that names the feature, e.g. ['auth', 'type']. */
  readonly field: (string | number)[] | undefined;
  readonly hint: string | undefined;
  constructor(message: string, field?: (string | number)[], hint?: string) {
    super(message);
    this.name = 'SourceUnavailableError';
    this.field = field;
    this.hint = hint;
  }
}

/**
 * A platform call that failed (listing, a get). Discovery and followers read `status` to decide
 * what it means, and `retryAfterMs` is the least wait the platform asked for (429/503
 * Retry-After), which the discovery loop honours.
 */
export class PlatformError extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status?: number, retryAfterMs?: number) {
    super(message);
    this.name = 'PlatformError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}
