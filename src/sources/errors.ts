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
