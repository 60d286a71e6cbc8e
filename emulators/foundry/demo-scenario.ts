/**
 * Foundry's scripted activity in the demo: two sessions of one Foundry hosted agent, each a
 * container that starts uvicorn, serves `/responses`, and now and then warns or crashes a
 * request with a Python traceback. Lines reach the emulator as the platform would stream
 * them (one console line per entry, status lines from the platform itself). What processing
 * shows on them (DESIGN §4.5): the traceback's lines merged into one ERROR record, a JSON log line
 * whose trace id becomes the record's trace_id, and an HTTP debug line whose API key is redacted.
 */
import type { FoundryEmulator, JsonLogLine, SessionHandle } from '../foundry.ts';
import { runScript, seededRandom, type Activity } from '../demo/activity.ts';
import { startFoundryEmulator } from '../foundry.ts';
import { quoted, type DemoScenario } from '../demo/scenario.ts';

export const DEMO_AGENT = 'support-agent';
export const DEMO_VERSION = '3';

/** The sessions the demo opens, and when (after the start of the activity). */
export const DEMO_SESSIONS = [
  { id: 's_4b1e0c7a', startAfterMs: 0 },
  { id: 's_9d27f3e5', startAfterMs: 800 },
] as const;

/** One step of a session's life: wait, then print these lines. */
interface Step {
  delayMs: number;
  lines: JsonLogLine[];
}

const out = (message: string): JsonLogLine => ({ stream: 'stdout', message });
const err = (message: string): JsonLogLine => ({ stream: 'stderr', message });
const status = (message: string): JsonLogLine => ({ stream: 'status', message });

/** A made-up OpenAI-style key, printed by the agent's HTTP debug logging (redaction replaces it). */
export const DEMO_API_KEY = 'sk-proj-DEMOk3y7Qx9TLm4VbN8rW1kP6sD3';

/** A W3C trace id and span id for request `n` of a session: 32 and 16 hex digits, never all zero. */
function traceIds(index: number, n: number): { trace: string; span: string } {
  const hex = (v: number, width: number): string => (v >>> 0).toString(16).padStart(width, '0');
  const a = Math.imul(n + 1, 2654435761);
  const b = Math.imul(index + 7, 40503);
  return { trace: `4bf92f35${hex(a, 8)}${hex(b, 8)}${hex(a ^ b, 8)}`, span: `00f067aa${hex(a + b, 8)}` };
}

const QUERIES = ['refund policy', 'order A-10388 status', 'shipping to Norway', 'warranty claim', 'change delivery address', 'invoice copy'];
const TOOLS = ['search_docs', 'lookup_order', 'create_ticket'];

function startup(): Step[] {
  return [
    { delayMs: 0, lines: [status('Successfully connected to container')] },
    { delayMs: 40, lines: [out(`Starting FoundryCBAgent server on port 8088`)] },
    { delayMs: 60, lines: [err('INFO:     Started server process [1]'), err('INFO:     Waiting for application startup.')] },
    { delayMs: 120, lines: [err('INFO:     Application startup complete.'), err('INFO:     Uvicorn running on http://0.0.0.0:8088 (Press CTRL+C to quit)')] },
  ];
}

function traceback(orderId: string): JsonLogLine[] {
  return [
    err('Traceback (most recent call last):'),
    err('  File "/app/agent.py", line 88, in respond'),
    err('    order = lookup_order(args["order_id"])'),
    err('  File "/app/tools/orders.py", line 41, in lookup_order'),
    err('    raise ValueError(f"unknown order id {order_id!r}")'),
    err(`ValueError: unknown order id '${orderId}'`),
  ];
}

/**
 * The endless life of one session. Session 0 is the busy one that runs into the model's rate
 * limit; session 1 serves a user whose order lookups fail. Both warn and fail early, so even a
 * three-second demo shows every severity.
 */
function* sessionSteps(index: number): Generator<Step> {
  const rand = seededRandom(42 + index);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  yield* startup();
  for (let request = 1; ; request++) {
    const lines: JsonLogLine[] = [];
    const tool = pick(TOOLS);
    lines.push(out(`Tool call: ${tool}(query="${pick(QUERIES)}")`));
    if (index === 0 && request % 10 === 4) {
      const remaining = [12, 7, 3][Math.floor(request / 10)] ?? 1;
      lines.push(err(`WARNING:  Rate limit approaching for gpt-4o (remaining_requests=${remaining})`));
    }
    if (index === 0 && request % 9 === 1) {
      lines.push(err(`DEBUG:httpx:> POST https://api.openai.com/v1/responses Authorization: Bearer ${DEMO_API_KEY}`));
    }
    if (index === 1 && request % 12 === 1) {
      const { trace, span } = traceIds(index, request);
      lines.push(out(JSON.stringify({ level: 'warning', logger: 'agent.memory', message: 'history truncated to 32 turns', trace_id: trace, span_id: span })));
    }
    if (index === 1 && request % 12 === 2) {
      lines.push(...traceback(`A-${10400 + request * 7}`));
      lines.push(out(`POST /responses 500 ${Math.round(90 + rand() * 120)}ms`));
    } else {
      const ms = Math.round(300 + rand() * 1500);
      lines.push(out(`Agent step: model gpt-4o responded in ${ms - Math.round(rand() * 200)} ms (${Math.round(900 + rand() * 2400)} prompt tokens)`));
      lines.push(out(`POST /responses 200 ${ms}ms`));
    }
    yield { delayMs: Math.round(120 + rand() * 330), lines };
  }
}

/** Starts the sessions (each after its delay) and plays their lines until stopped. */
export function startFoundryActivity(emulator: FoundryEmulator): Activity {
  return runScript(42, async (script) => {
    const play = async (index: number, startAfterMs: number, id: string): Promise<void> => {
      if (!(await script.wait(startAfterMs))) return;
      const session: SessionHandle = emulator.addSession({ agent: DEMO_AGENT, version: DEMO_VERSION, id });
      for (const step of sessionSteps(index)) {
        if (!(await script.wait(step.delayMs))) return;
        session.append(...step.lines);
        script.wrote(step.lines.length);
      }
    };
    await Promise.all(DEMO_SESSIONS.map((s, i) => play(i, s.startAfterMs, s.id)));
  });
}

export const demoScenario: DemoScenario = {
  source: DEMO_AGENT,
  secret: 'FOUNDRY_TOKEN',
  async start(token) {
    const emulator = await startFoundryEmulator({ token });
    return {
      url: emulator.url,
      sourceYaml: (credential) => `  - name: ${DEMO_AGENT}
    type: foundry
    endpoint: ${quoted(emulator.url)}
    agent: ${DEMO_AGENT}              # no version/session: every session of the agent
    discover_interval: 500ms
    auth: {type: bearer, token: ${credential}}
`,
      startActivity: () => startFoundryActivity(emulator),
      close: () => emulator.close(),
    };
  },
};
