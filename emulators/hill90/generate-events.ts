// Deterministic agent events for tests, the demo and benchmarks: container events of the
// documented types (and undocumented ones), and inference events with their metadata.
import { createRandom } from '../shared/chunking.ts';
import type { Hill90EventJson } from './types.ts';

export interface GenerateEventsOptions {
  /** First timestamp (ms); each event is `stepMs` later. Default 2026-08-01T10:00:00Z. */
  start?: number;
  stepMs?: number;
  seed?: number;
  /** Every N-th event is an inference event (0: none). Default 4. */
  inferenceEvery?: number;
  /** Prefix of input summaries, to tell batches apart. */
  label?: string;
}

const CONTAINER = [
  { type: 'command_start', tool: 'shell' },
  { type: 'command_complete', tool: 'shell' },
  { type: 'file_read', tool: 'filesystem' },
  { type: 'file_write', tool: 'filesystem' },
  { type: 'directory_list', tool: 'filesystem' },
  { type: 'identity_read', tool: 'identity' },
  { type: 'health_check', tool: 'health' },
  { type: 'work_received', tool: 'runtime' },
  { type: 'tool_call_complete', tool: 'chat' },
];

/** A UUIDv4-shaped id from the seeded generator. */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function generateEvents(count: number, opts: GenerateEventsOptions = {}): Hill90EventJson[] {
  const random = createRandom(opts.seed ?? 90);
  const start = opts.start ?? Date.parse('2026-08-01T10:00:00.000Z');
  const step = opts.stepMs ?? 7;
  const every = opts.inferenceEvery ?? 4;
  const label = opts.label ?? 'ev';
  const out: Hill90EventJson[] = [];
  for (let i = 0; i < count; i++) {
    const timestamp = new Date(start + i * step).toISOString();
    if (every > 0 && i % every === every - 1) {
      const input = 100 + Math.floor(random() * 900);
      const output = 10 + Math.floor(random() * 200);
      const cost = Math.round(random() * 10_000) / 1e7 + 0.0001;
      const latency = 200 + Math.floor(random() * 1000);
      out.push({
        id: `inference-${seededUuid(random)}`,
        timestamp,
        type: 'inference_complete',
        tool: 'inference',
        input_summary: `gpt-4o-mini (chat) ${label} #${i}`,
        output_summary: `${input}+${output} tokens, $${cost.toFixed(4)}, ${latency}ms`,
        duration_ms: latency,
        success: true,
        metadata: { model_name: 'gpt-4o-mini', requested_model: 'fast', provider_model_id: 'openai/gpt-4o-mini', request_type: 'chat', status: 'success', input_tokens: input, output_tokens: output, cost_usd: cost },
      });
      continue;
    }
    const kind = CONTAINER[Math.floor(random() * CONTAINER.length)]!;
    const ok = random() > 0.1;
    out.push({
      id: seededUuid(random),
      timestamp,
      type: kind.type,
      tool: kind.tool,
      input_summary: `${label} #${i} ${kind.type} — ünïcödé ✓`,
      output_summary: ok ? `exit 0, ${Math.floor(random() * 4096)} bytes` : 'exit 1',
      duration_ms: Math.floor(random() * 500),
      success: ok,
    });
  }
  return out;
}
