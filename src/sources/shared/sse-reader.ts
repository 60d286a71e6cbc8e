/**
 * Reads a Server-Sent Events response with a streaming request (Node's http client) and
 * eventsource-parser (not EventSource: it cannot resume from a stored position, hides
 * HTTP statuses and reconnects on its own). Events parsed from one network chunk are
 * handed over together, and the next chunk is not read until the handler returned:
 * the awaited hand-off is the backpressure.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { httpRequest, type HttpResponse } from '../../util/http-request.ts';
import type { Opening, ReadGate, Release } from '../read-gate.ts';
import type { ConnectionEnd } from './connection-end.ts';
import { readErrorBody } from './http-outcome.ts';

export interface SseEvent {
  event?: string | undefined;
  data: string;
}

/** How an SSE connection ends: the kit's connection ends, less `aborted` (an abort is a network error here). */
export type SseEnd = Exclude<ConnectionEnd, { kind: 'aborted' }>;

export interface SseRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /**
   * Longest silence between chunks before the connection counts as dead. A connection dropped
   * without a FIN (NAT, front door) would otherwise hang the stream forever.
   */
  idleTimeoutMs: number;
  /** Called once the server answered 200 and events may follow. */
  onOpen?(): void;
  /** Comment lines (`: keep-alive`) count as liveness only. */
  onEvents(events: SseEvent[]): Promise<void>;
  /**
   * Longest event (in characters) the reader buffers; a bigger one is discarded and reported here,
   * and reading goes on. Without a bound, one endless line would take all memory.
   */
  maxEventChars?: number;
  onOversized?(): void;
  /**
   * The daemon's read gate (issue 14): the connection opens under a permit, given back once its
   * first chunk was handed on (or the answer brought none), and each chunk is parsed and handed on
   * under a permit. None: no pacing.
   */
  gate?: Pick<ReadGate, 'open' | 'parse'>;
}

/** Far beyond any console line; only a broken or hostile stream gets there. */
const DEFAULT_MAX_EVENT_CHARS = 16 * 1024 * 1024;

export async function readSse(req: SseRequest): Promise<SseEnd> {
  let retryMs: number | undefined;
  let response: HttpResponse;
  const { gate } = req;
  let opening: Opening | undefined;
  try {
    opening = await gate?.open(req.signal);
    response = await httpRequest(req.url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', 'cache-control': 'no-cache', ...req.headers },
      signal: req.signal,
      idleTimeoutMs: req.idleTimeoutMs,
    });
  } catch (error) {
    opening?.release();
    return { kind: 'network_error', error: error as Error };
  }
  opening?.answered();
  if (response.statusCode !== 200) {
    opening?.release();
    return { kind: 'http_error', status: response.statusCode, headers: response.headers, body: await readErrorBody(response.body) };
  }
  req.onOpen?.();
  // An answer without replayed bytes (an idle session) gives its opening permit back at once.
  if (response.body.buffered === 0) opening?.release();
  let pending: SseEvent[] = [];
  let overflowed = false;
  const parser = createParser({
    maxBufferSize: req.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS,
    onEvent(message: EventSourceMessage) {
      // The parser's own object (it has an `id` too): no second object per frame.
      pending.push(message);
    },
    onRetry(ms: number) {
      retryMs = ms;
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true;
    },
  });
  const decoder = new TextDecoder('utf-8');
  const chunks = response.body[Symbol.asyncIterator]();
  let permit: Release | undefined;
  /**
   * Read one chunk into the parser; false at the body's end. A function of its own, not a
   * `for await` loop: a suspended loop keeps its last chunk alive while it waits (for the hand-off,
   * or for the next byte of an idle stream) — 30 MB with 1000 replayed sessions (issue 14).
   */
  const feedNext = async (): Promise<boolean> => {
    const next = await chunks.next();
    if (next.done === true) return false;
    // Parsed only under a permit; until then the stream holds just these bytes.
    if (gate) permit = await gate.parse(req.signal);
    parser.feed(decoder.decode(next.value, { stream: true }));
    if (overflowed) {
      // The parser stops at the overflow; the rest of that oversized line is not a valid
      // field and is skipped by the parser once it is reset.
      overflowed = false;
      parser.reset();
      req.onOversized?.();
    }
    return true;
  };
  try {
    while (await feedNext()) {
      if (pending.length > 0) {
        // Not kept in a variable across the wait: the handler may let go of the events early.
        const handling = req.onEvents(pending);
        pending = [];
        await handling;
      }
      permit?.();
      opening?.release();
    }
    // A final event without its blank line is incomplete by the SSE spec and is discarded.
    return { kind: 'ended', retryMs };
  } catch (error) {
    if (pending.length > 0) await req.onEvents(pending);
    return { kind: 'network_error', error: error as Error, retryMs };
  } finally {
    permit?.();
    opening?.release();
    response.body.destroy();
  }
}
