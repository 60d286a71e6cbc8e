// What every emulator records of a request, so tests can assert on what a client sent.
import type { IncomingHttpHeaders } from 'node:http';

/** One request as the emulator saw it. `status` is filled in once answered. */
export interface RecordedRequestBase<Route extends string> {
  at: number;
  method: string;
  /** Raw pathname as received (percent-encoding kept, e.g. `%3Alogstream`). */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  route: Route;
  status?: number;
}
