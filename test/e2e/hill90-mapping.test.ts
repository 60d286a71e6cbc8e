/**
 * Every Hill90 event type through the real pipeline: exact bodies, attributes, event names and
 * severities (DESIGN §4.4), and what happens to frames that are not events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hill90EventJson } from '../../emulators/hill90.ts';
import { runHill90, SOURCE, startHill90Rig, writeHill90Config, type Hill90Rig } from '../helpers/hill90-rig.ts';

const AGENT = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
let rig: Hill90Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ts = (i: number): string => new Date(Date.parse('2026-08-01T10:00:00.000Z') + i * 1000).toISOString();
const container = (i: number, type: string, tool: string, success: boolean | null, extra: Partial<Hill90EventJson> = {}): Hill90EventJson => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  timestamp: ts(i),
  type,
  tool,
  input_summary: `${type} input`,
  output_summary: success === null ? null : `${type} output`,
  duration_ms: success === null ? null : 10 + i,
  success,
  ...extra,
});
const inference = (i: number, status: string, requested: string | null): Hill90EventJson => ({
  id: `inference-00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  timestamp: ts(i),
  type: status === 'success' ? 'inference_complete' : `inference_${status}`,
  tool: 'inference',
  input_summary: 'gpt-4o-mini (chat)',
  output_summary: '812+64 tokens, $0.0003, 910ms',
  duration_ms: 910,
  success: status === 'success',
  metadata: {
    model_name: 'gpt-4o-mini',
    ...(requested !== null ? { requested_model: requested } : {}),
    provider_model_id: 'openai/gpt-4o-mini',
    request_type: 'chat',
    status,
    input_tokens: 812,
    output_tokens: 64,
    cost_usd: 0.0003,
  },
});

const EVENTS: { event: Hill90EventJson; severity: [string, number] }[] = [
  { event: container(0, 'command_start', 'shell', null), severity: ['INFO', 9] },
  { event: container(1, 'command_complete', 'shell', true), severity: ['INFO', 9] },
  { event: container(2, 'file_read', 'filesystem', true), severity: ['INFO', 9] },
  { event: container(3, 'file_write', 'filesystem', false), severity: ['WARN', 13] },
  { event: container(4, 'directory_list', 'filesystem', true), severity: ['INFO', 9] },
  { event: container(5, 'identity_read', 'identity', true), severity: ['INFO', 9] },
  { event: container(6, 'health_check', 'health', false), severity: ['WARN', 13] },
  { event: inference(7, 'success', 'fast'), severity: ['INFO', 9] },
  { event: inference(8, 'error', null), severity: ['ERROR', 17] },
  { event: inference(9, 'rate_limited', 'fast'), severity: ['WARN', 13] },
  { event: inference(10, 'budget_exceeded', 'fast'), severity: ['WARN', 13] },
  { event: inference(11, 'client_disconnect', 'fast'), severity: ['WARN', 13] },
  // Beyond the documented enums: kept, not rejected.
  { event: inference(12, 'timeout', 'fast'), severity: ['ERROR', 17] },
  { event: container(13, 'work_failed', 'runtime', false, { correlation_id: 'c-1' }), severity: ['WARN', 13] },
  { event: container(14, 'tool_call_start', 'chat', null), severity: ['INFO', 9] },
];

describe('Hill90 records', () => {
  it('map every event type to the exact body, attributes, event name, time and severity', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT, name: 'Planner' });
    const { daemon } = runHill90(writeHill90Config(rig, { agentId: AGENT }));
    // Live, so they arrive in this order (a replay sends inference rows first).
    await agent.waitForConnection(1);
    agent.append(...EVENTS.map((e) => e.event));
    await rig.receiver.waitFor(EVENTS.length, 10_000);
    await daemon.shutdown(5000);
    const records = rig.receiver.records;
    expect(records.map((r) => r.body)).toEqual(EVENTS.map((e) => e.event.input_summary));
    expect(records.map((r) => [r.eventName, r.severityText, r.severityNumber])).toEqual(EVENTS.map((e) => [`hill90.${e.event.type}`, ...e.severity]));
    expect(records.map((r) => r.timeUnixNano)).toEqual(EVENTS.map((e) => BigInt(Date.parse(e.event.timestamp)) * 1_000_000n));
    expect(records[0]!.resource).toEqual({ 'deployment.environment.name': 'test', 'service.name': SOURCE, 'gen_ai.agent.id': AGENT });
    expect(records[0]!.scope.name).toBe('agent-log-exporter/hill90');
    // A command without result yet: no duration, success or output attributes.
    expect(records[0]!.attributes).toEqual({
      'event.name': 'hill90.command_start',
      'hill90.event.id': '00000000-0000-4000-8000-000000000000',
      'hill90.tool': 'shell',
      team: 'core',
    });
    expect(records[3]!.attributes).toEqual({
      'event.name': 'hill90.file_write',
      'hill90.event.id': '00000000-0000-4000-8000-000000000003',
      'hill90.tool': 'filesystem',
      'hill90.duration_ms': 13,
      'hill90.success': false,
      'hill90.output_summary': 'file_write output',
      team: 'core',
    });
    expect(records[7]!.attributes).toEqual({
      'event.name': 'hill90.inference_complete',
      'hill90.event.id': 'inference-00000000-0000-4000-8000-000000000007',
      'hill90.tool': 'inference',
      'hill90.duration_ms': 910,
      'hill90.success': true,
      'hill90.output_summary': '812+64 tokens, $0.0003, 910ms',
      'gen_ai.request.model': 'fast',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 64,
      'hill90.cost_usd': 0.0003,
      'hill90.inference.status': 'success',
      team: 'core',
    });
    // Without requested_model, the request model is the model name.
    expect(records[8]!.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini', 'hill90.inference.status': 'error', 'hill90.success': false });
    expect(records[12]!.attributes['event.name']).toBe('hill90.inference_timeout');
    expect(records[13]!.attributes).toEqual({
      'event.name': 'hill90.work_failed',
      'hill90.event.id': '00000000-0000-4000-8000-000000000013',
      'hill90.tool': 'runtime',
      'hill90.duration_ms': 23,
      'hill90.success': false,
      'hill90.output_summary': 'work_failed output',
      team: 'core',
    });
    // Integers arrive as OTLP ints, the cost as a double.
    expect(records[7]!.raw.attributes).toEqual(expect.arrayContaining([
      { key: 'gen_ai.usage.input_tokens', value: { intValue: '812' } },
      { key: 'hill90.cost_usd', value: { doubleValue: 0.0003 } },
    ]));
  });

  it('keeps frames that are not events as raw bodies, ignores unknown event types, and logs error frames without exporting them', async () => {
    rig = await startHill90Rig();
    const agent = rig.emulator.addAgent({ id: AGENT });
    const { daemon, events } = runHill90(writeHill90Config(rig, { agentId: AGENT }));
    await agent.waitForConnection(1);
    agent.append(container(0, 'command_start', 'shell', null));
    agent.append({ raw: '{"broken": ' }, { raw: 'plain text' }, { raw: '{"type":"file_read","input_summary":"no id"}' });
    agent.append({ event: 'metrics', data: '{"cpu":0.5}' });
    agent.error({ error: 'Updates may be delayed', detail: 'inference poll failing' });
    agent.append(container(1, 'command_complete', 'shell', true));
    await rig.receiver.waitFor(5, 10_000);
    await daemon.shutdown(5000);
    const records = rig.receiver.records;
    expect(records.map((r) => r.body)).toEqual(['command_start input', '{"broken": ', 'plain text', '{"type":"file_read","input_summary":"no id"}', 'command_complete input']);
    expect(records.map((r) => r.attributes['agent_log_exporter.parse_error'])).toEqual([undefined, true, true, true, undefined]);
    expect(records[1]!.timeUnixNano).toBe(0n);
    expect(records[1]!.eventName).toBeUndefined();
    expect(events.total('agentlog_records_skipped_total', { reason: 'unknown_event' })).toBe(1);
    expect(events.total('agentlog_parse_errors_total')).toBe(3);
    expect(events.total('agentlog_platform_errors_total', { source: SOURCE })).toBe(1);
    // The non-fatal error kept the connection open.
    expect(agent.connections).toBe(1);
  });
});
