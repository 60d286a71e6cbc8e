// A plain SSE reader for the emulator tests: undici request + eventsource-parser,
// keeping the raw text and the number of chunks so tests can check the wire too.
import { createParser } from 'eventsource-parser';
import { request } from 'undici';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export interface StreamRead {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: SseEvent[];
  comments: string[];
  /** Body text (for non-200 answers: the error body). */
  text: string;
  chunks: number;
  /** Set when the connection was cut (or timed out) rather than ended. */
  error?: Error;
}

export interface ReadOptions {
  headers?: Record<string, string>;
  /** Stop reading (and drop the connection) once this many events arrived. */
  stopAfter?: number;
  /** Give up after this long; the read resolves with `error` set. Default 5000. */
  timeoutMs?: number;
  /** Called after each chunk, e.g. to append lines once the replay arrived. */
  onEvents?: (events: readonly SseEvent[]) => void;
}

export async function readStream(url: string, opts: ReadOptions = {}): Promise<StreamRead> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('read timed out')), opts.timeoutMs ?? 5000);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (message) => events.push({ event: message.event, data: message.data }),
    onComment: (comment) => comments.push(comment),
  });
  const decoder = new TextDecoder();
  const out: StreamRead = { status: 0, headers: {}, events, comments, text: '', chunks: 0 };
  try {
    const response = await request(url, {
      headers: { accept: 'text/event-stream', ...opts.headers },
      signal: controller.signal,
    });
    out.status = response.statusCode;
    out.headers = response.headers;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        out.chunks += 1;
        const text = decoder.decode(chunk, { stream: true });
        out.text += text;
        parser.feed(text);
        opts.onEvents?.(events);
        if (opts.stopAfter !== undefined && events.length >= opts.stopAfter) {
          response.body.destroy();
          break;
        }
      }
    } catch (error) {
      out.error = error as Error;
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

/** The URL of a session's log stream under a project endpoint. */
export function logStreamUrl(endpoint: string, agent: string, version: string, id: string, encodeColon = false): string {
  const suffix = encodeColon ? '%3Alogstream' : ':logstream';
  return `${endpoint}/agents/${agent}/versions/${version}/sessions/${id}${suffix}?api-version=v1`;
}
