/**
 * The demo's stdout, which the reader may close under it (`npm run demo | head -3`): the first
 * EPIPE stops the demo as cleanly as Ctrl-C (temporary directory removed) instead of an
 * unhandled 'error' event's stack trace, and nothing more is written.
 */

export interface DemoOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  /** A stream's 'error' event (process.stdout has it; a test's collector may not). */
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export interface GuardedOutput {
  write(text: string): void;
  /** True once the reader went away. */
  readonly closed: boolean;
  /** Aborts when the reader goes away. */
  readonly signal: AbortSignal;
}

export function guardOutput(output: DemoOutput): GuardedOutput {
  const gone = new AbortController();
  // Any write error means nobody reads any more (EPIPE from a closed pipe, ERR_STREAM_DESTROYED
  // after it): stop writing and let the demo wind down. The listener stays for good: an error
  // emitted after the demo's last write must not crash the exit either.
  output.on?.('error', () => gone.abort());
  return {
    write(text) {
      if (gone.signal.aborted) return;
      try {
        output.write(text);
      } catch {
        gone.abort();
      }
    },
    get closed() {
      return gone.signal.aborted;
    },
    signal: gone.signal,
  };
}
