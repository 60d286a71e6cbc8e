/**
 * Hill90's scripted activity in the demo: two running agents whose containers emit events as
 * they work — work received, files read, shell commands, tool calls — and inference events
 * with the model, token counts and cost. The busy agent hits its provider's rate limit early
 * (an `inference_rate_limited` event, WARN), so even a short demo shows one.
 */
import type { AgentHandle, Hill90Emulator, Hill90EventJson } from '../hill90.ts';
import { runScript, seededRandom, type Activity } from '../demo/activity.ts';
import { startHill90Emulator } from '../hill90.ts';
import { quoted, type DemoScenario } from '../demo/scenario.ts';

export const HILL90_AGENTS = [
  { id: '0f6c2a1e-5b7d-4c3a-9e8f-1a2b3c4d5e6f', name: 'research-agent', startAfterMs: 0 },
  { id: '7d3e9b40-2c61-4f8a-b5d7-6e0f1a2b3c4d', name: 'triage-agent', startAfterMs: 400 },
] as const;

const MODELS = [
  { requested: 'smart', model: 'claude-sonnet-4', provider: 'anthropic/claude-sonnet-4', inPrice: 3e-6, outPrice: 15e-6 },
  { requested: 'fast', model: 'gpt-4o-mini', provider: 'openai/gpt-4o-mini', inPrice: 0.15e-6, outPrice: 0.6e-6 },
] as const;
const FILES = ['/workspace/notes/sources.md', '/workspace/report/draft.md', '/workspace/data/tickets.csv'];
const COMMANDS = ['rg -n "refund" docs/', 'python scripts/summarise.py tickets.csv', 'git diff --stat'];

/** An event as the script writes it; the id and timestamp are added when it happens. */
type EventBody = Pick<Hill90EventJson, 'type' | 'tool' | 'input_summary' | 'output_summary' | 'duration_ms' | 'success' | 'metadata'> & { type: string };

/** An event id: UUIDv4-shaped, from the seeded generator. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The endless event stream of one agent: container events, with an inference call every few steps. */
function* agentEvents(index: number): Generator<EventBody> {
  const rand = seededRandom(90 + index);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  yield { type: 'work_received', tool: 'runtime', input_summary: index === 0 ? 'research: compare refund policies of 3 vendors' : 'triage: 14 new support tickets', success: true };
  for (let step = 1; ; step++) {
    const m = pick(MODELS);
    const input = 400 + Math.floor(rand() * 3600);
    const output = 40 + Math.floor(rand() * 700);
    const latency = 300 + Math.floor(rand() * 2200);
    const metadata = { model_name: m.model, requested_model: m.requested, provider_model_id: m.provider, request_type: 'chat', input_tokens: input, output_tokens: output };
    if (index === 0 && step === 1) {
      yield {
        type: 'inference_rate_limited',
        tool: 'inference',
        input_summary: `${m.model} (chat): rate limited by the provider (429), retrying in 2s`,
        output_summary: 'HTTP 429: requests per minute exceeded',
        duration_ms: 35,
        success: false,
        metadata: { ...metadata, output_tokens: 0, cost_usd: 0, status: 'rate_limited' },
      };
      continue;
    }
    const cost = Math.round((input * m.inPrice + output * m.outPrice) * 1e6) / 1e6;
    yield {
      type: 'inference_complete',
      tool: 'inference',
      input_summary: `${m.model} (chat) step ${step}`,
      output_summary: `${input}+${output} tokens, $${cost.toFixed(4)}, ${latency}ms`,
      duration_ms: latency,
      success: true,
      metadata: { ...metadata, cost_usd: cost, status: 'success' },
    };
    switch (step % 3) {
      case 0: {
        const ok = rand() > 0.25;
        yield { type: 'command_complete', tool: 'shell', input_summary: pick(COMMANDS), output_summary: ok ? 'exit 0' : 'exit 1', duration_ms: Math.floor(rand() * 900), success: ok };
        break;
      }
      case 1:
        yield { type: 'file_read', tool: 'filesystem', input_summary: pick(FILES), output_summary: `${1 + Math.floor(rand() * 40)} KiB`, duration_ms: Math.floor(rand() * 20), success: true };
        break;
      default:
        yield { type: 'tool_call_complete', tool: 'chat', input_summary: index === 0 ? 'web_search("vendor refund policy 2026")' : 'label_ticket(priority="high")', duration_ms: Math.floor(rand() * 400), success: true };
    }
  }
}

export function startHill90Activity(emulator: Hill90Emulator): Activity {
  return runScript(90, async (script) => {
    const ids = seededRandom(9090);
    const play = async (index: number): Promise<void> => {
      const spec = HILL90_AGENTS[index]!;
      if (!(await script.wait(spec.startAfterMs))) return;
      const agent: AgentHandle = emulator.addAgent({ id: spec.id, name: spec.name });
      for (const event of agentEvents(index)) {
        if (!(await script.wait(150 + script.random() * 450))) return;
        agent.append({ id: uuid(ids), timestamp: new Date().toISOString(), ...event });
        script.wrote(1);
      }
    };
    await Promise.all(HILL90_AGENTS.map((_, i) => play(i)));
  });
}

export const demoScenario: DemoScenario = {
  source: 'hill90-agents',
  secret: 'HILL90_TOKEN',
  async start(token) {
    const emulator = await startHill90Emulator({ token });
    return {
      url: emulator.url,
      sourceYaml: (credential) => `  - name: hill90-agents
    type: hill90
    endpoint: ${quoted(emulator.url)}
    auth: {type: bearer, token: ${credential}}
    discover_interval: 500ms          # no agent_id: every running agent
`,
      startActivity: () => startHill90Activity(emulator),
      close: () => emulator.close(),
    };
  },
};
