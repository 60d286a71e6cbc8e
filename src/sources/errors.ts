/** A configured feature (a source type, an auth type) that this version does not have yet. */
export class SourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}
