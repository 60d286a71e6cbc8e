// respondWith(): scripted answers consumed in order by the next requests.
import type { PartialSuccess } from './respond.ts';

export interface ScriptedResponse {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Sent verbatim instead of the default body (objects as JSON). */
  body?: string | Uint8Array | object;
  /** How many requests this entry answers. Default 1. */
  times?: number;
  /** Shorthand for a Retry-After header (seconds or an HTTP date). */
  retryAfter?: number | string;
  /** With a 2xx: answer an ExportLogsServiceResponse carrying partialSuccess. */
  partialSuccess?: PartialSuccess;
  /** Wait this long before answering (on top of the receiver's delayMs). */
  delayMs?: number;
}

export interface ResponseScript {
  push(entries: readonly ScriptedResponse[]): void;
  take(): ScriptedResponse | undefined;
  clear(): void;
  readonly remaining: number;
}

export function createResponseScript(): ResponseScript {
  const queue: { entry: ScriptedResponse; left: number }[] = [];
  return {
    push(entries) {
      for (const entry of entries) {
        const times = entry.times ?? 1;
        if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
        queue.push({ entry, left: times });
      }
    },
    take() {
      const head = queue[0];
      if (head === undefined) return undefined;
      head.left -= 1;
      if (head.left === 0) queue.shift();
      return head.entry;
    },
    clear() {
      queue.length = 0;
    },
    get remaining() {
      return queue.reduce((sum, item) => sum + item.left, 0);
    },
  };
}
