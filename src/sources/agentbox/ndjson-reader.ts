/**
 * Reads an NDJSON response (`/logs/stream`) with an undici streaming request. Lines complete in
 * one network chunk are handed over together, and the next chunk is not read until the handler
 * returned (the awaited hand-off is the backpressure). A UTF-8 character or a line split across
 * chunks is joined first. `onQuiet` runs once whenever no chunk came for `quietMs`: the end of a
 * replay is only known by the pause after it.
 */
import type { Dispatcher } from 'undici';
import { undici } from '../../util/undici.ts';
import type { ConnectionEnd } from '../shared/connection-end.ts';
import { readErrorBody } from '../shared/http-outcome.ts';

export type NdjsonEnd = Exclude<ConnectionEnd, { kind: 'aborted' }>;

export interface NdjsonRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Longest silence before the connection counts as dead. */
  idleTimeoutMs: number;
  quietMs: number;
  onOpen?(): void;
  onLines(lines: string[]): Promise<void>;
  onQuiet(): Promise<void>;
  /** Longest line kept; the rest of a longer one is cut (a runaway line must not take all memory). */
  maxLineChars?: number;
}

const DEFAULT_MAX_LINE_CHARS = 16 * 1024 * 1024;

export async function readNdjson(req: NdjsonRequest): Promise<NdjsonEnd> {
  let response: Dispatcher.ResponseData;
  try {
    response = await (await undici()).request(req.url, { method: 'GET', headers: req.headers, signal: req.signal, bodyTimeout: req.idleTimeoutMs });
  } catch (error) {
    return { kind: 'network_error', error: error as Error };
  }
  if (response.statusCode !== 200) {
    return { kind: 'http_error', status: response.statusCode, headers: response.headers, body: await readErrorBody(response.body) };
  }
  req.onOpen?.();
  const max = req.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  const iterator = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<Buffer>> | undefined;
  try {
    for (;;) {
      next ??= iterator.next();
      let quietTimer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((resolve) => {
        quietTimer = setTimeout(() => resolve('quiet'), req.quietMs);
        quietTimer.unref();
      });
      const step = await Promise.race([next, quiet]);
      clearTimeout(quietTimer);
      if (step === 'quiet') {
        await req.onQuiet();
        // Wait for the next chunk without a timer until it comes: one call per quiet period.
        const result = await next;
        next = undefined;
        if (result.done) break;
        partial = await feed(req, decoder.decode(result.value, { stream: true }), partial, max);
        continue;
      }
      next = undefined;
      if (step.done) break;
      partial = await feed(req, decoder.decode(step.value, { stream: true }), partial, max);
    }
    partial += decoder.decode();
    // A last line without its newline is complete when the server ended cleanly.
    if (partial.trim() !== '') await req.onLines([partial.replace(/\r$/, '')]);
    return { kind: 'ended' };
  } catch (error) {
    return { kind: 'network_error', error: error as Error };
  } finally {
    response.body.destroy();
  }
}

async function feed(req: NdjsonRequest, text: string, partial: string, max: number): Promise<string> {
  const parts = (partial + text).split('\n');
  let rest = parts.pop() ?? '';
  if (rest.length > max) rest = rest.slice(0, max);
  const lines = parts.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (lines.length > 0) await req.onLines(lines);
  return rest;
}
