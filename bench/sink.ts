// The bench's handle on the receiver thread (sink-worker.ts).
import { Worker } from 'node:worker_threads';
import { SLOT, SLOT_COUNT } from './sink-slots.ts';
import type { SinkResult } from './sink-slots.ts';

export interface Sink {
  /** `http://127.0.0.1:PORT/v1/logs` */
  readonly url: string;
  /** Records in accepted requests so far (repeats included). */
  readonly counted: number;
  /** nowMs() of the last accepted request, 0 before the first. */
  readonly lastAt: number;
  readonly rejected: number;
  /** Requests received (accepted and rejected). */
  readonly requests: number;
  /** nowMs() of the first accepted request holding records, 0 before it. */
  readonly firstAt: number;
  /** While true, every request is answered 503. */
  outage: boolean;
  /** Stops listening and decodes everything that was accepted; the thread ends. */
  finish(expected: number): Promise<SinkResult>;
  terminate(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const shared = new SharedArrayBuffer(SLOT_COUNT * Float64Array.BYTES_PER_ELEMENT);
  const state = new Float64Array(shared);
  const worker = new Worker(new URL('./sink-worker.ts', import.meta.url), { workerData: { shared } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { type: string; port: number }) => resolve(message.port));
  });
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    get counted() {
      return state[SLOT.records] ?? 0;
    },
    get lastAt() {
      return state[SLOT.lastAt] ?? 0;
    },
    get rejected() {
      return state[SLOT.rejected] ?? 0;
    },
    get requests() {
      return state[SLOT.requests] ?? 0;
    },
    get firstAt() {
      return state[SLOT.firstAt] ?? 0;
    },
    get outage() {
      return state[SLOT.outage] === 1;
    },
    set outage(on: boolean) {
      state[SLOT.outage] = on ? 1 : 0;
    },
    async finish(expected) {
      const reply = new Promise<SinkResult>((resolve, reject) => {
        worker.on('message', (message: { type: string; result?: SinkResult; message?: string }) => {
          if (message.type === 'result' && message.result) resolve(message.result);
          if (message.type === 'error') reject(new Error(`receiver: ${message.message}`));
        });
        worker.once('error', reject);
      });
      worker.postMessage({ type: 'finish', expected });
      const result = await reply;
      await worker.terminate();
      return result;
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
