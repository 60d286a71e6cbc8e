/**
 * One Hill90 agent event to a platform-neutral entry: the attributes and severities of
 * DESIGN §4.4. Types and tools are open strings (the platform emits more than it documents).
 */
import type { Attributes, LogEntry } from '../types.ts';

/** The documented event fields; all optional on the wire, checked one by one. */
export type Hill90Event = Record<string, unknown> & { id: string; type: string };

/** DESIGN §4.4 Hill90 severity. */
export function hill90Level(type: string, success: unknown): 'INFO' | 'WARN' | 'ERROR' {
  switch (type) {
    case 'inference_complete':
      return 'INFO';
    case 'inference_error':
      return 'ERROR';
    case 'inference_rate_limited':
    case 'inference_budget_exceeded':
    case 'inference_client_disconnect':
      return 'WARN';
  }
  if (type.startsWith('inference_')) return 'ERROR';
  return success === false ? 'WARN' : 'INFO';
}

export function timestampOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function hill90Entry(event: Hill90Event): LogEntry {
  const eventName = `hill90.${event.type}`;
  const attributes: Attributes = { 'event.name': eventName, 'hill90.event.id': event.id };
  if (typeof event.tool === 'string') attributes['hill90.tool'] = event.tool;
  if (isNumber(event.duration_ms)) attributes['hill90.duration_ms'] = event.duration_ms;
  if (typeof event.success === 'boolean') attributes['hill90.success'] = event.success;
  if (typeof event.output_summary === 'string') attributes['hill90.output_summary'] = event.output_summary;
  const metadata = event.metadata;
  const inference = event.type.startsWith('inference_') || event.tool === 'inference';
  if (inference && typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
    Object.assign(attributes, inferenceAttributes(metadata as Record<string, unknown>));
  }
  return {
    timeMs: timestampOf(event.timestamp),
    body: typeof event.input_summary === 'string' ? event.input_summary : '',
    level: hill90Level(event.type, event.success),
    attributes,
    eventName,
  };
}

/** Inference metadata (PLATFORMS §2.4) to GenAI semantic conventions first, the rest as hill90.*. */
function inferenceAttributes(m: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  const requested = typeof m.requested_model === 'string' && m.requested_model !== '' ? m.requested_model : m.model_name;
  if (typeof requested === 'string') out['gen_ai.request.model'] = requested;
  if (typeof m.model_name === 'string') out['gen_ai.response.model'] = m.model_name;
  if (typeof m.request_type === 'string') out['gen_ai.operation.name'] = m.request_type;
  if (isNumber(m.input_tokens)) out['gen_ai.usage.input_tokens'] = m.input_tokens;
  if (isNumber(m.output_tokens)) out['gen_ai.usage.output_tokens'] = m.output_tokens;
  if (isNumber(m.cost_usd)) out['hill90.cost_usd'] = m.cost_usd;
  if (typeof m.status === 'string') out['hill90.inference.status'] = m.status;
  return out;
}
