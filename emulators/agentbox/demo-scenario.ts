/**
 * AgentBox's scripted activity in the demo: one sandbox pod of the `default` pool with two
 * containers — the agent (Python logging, `LEVEL:logger:message`) and a headless browser
 * sidecar (`[LEVEL] …`) that the agent drives. The pod logs arrive as the kubelet serves them,
 * one stream per container; a page that does not resolve is the browser's ERROR.
 */
import type { AgentboxEmulator, SandboxHandle } from '../agentbox.ts';
import { runScript, type Activity } from '../demo/activity.ts';
import { startAgentboxEmulator } from '../agentbox.ts';
import { quoted, type DemoScenario } from '../demo/scenario.ts';

export const AGENTBOX_SANDBOX = { id: '5de15c92-8fb5-440f-a9ea-7f62f734f1b9', pool: 'default', podName: 'sandbox-5de15c92', containers: ['agent', 'browser'] };

const PAGES = [
  { url: 'https://docs.vendor-a.example/refunds', ms: 412 },
  { url: 'https://vendor-b.example/help/returns', ms: 655 },
  { url: 'https://status.vendor-c.example/', ms: 0 },
  { url: 'https://vendor-c.example/policies/refund', ms: 530 },
];

/** One browsing step: the agent's lines and the browser's, in the order they happen. */
function* steps(): Generator<{ container: 'agent' | 'browser'; line: string }[]> {
  yield [
    { container: 'browser', line: '[INFO] chromium 131.0.6778.33 headless, listening on ws://127.0.0.1:9222' },
    { container: 'agent', line: 'INFO:agent:sandbox ready; task: compare refund policies of 3 vendors' },
  ];
  for (let round = 0; ; round++) {
    for (const page of PAGES) {
      yield [{ container: 'agent', line: `INFO:agent.tools:browse(url="${page.url}")` }];
      if (page.ms === 0) {
        yield [
          { container: 'browser', line: `[ERROR] page.goto: net::ERR_NAME_NOT_RESOLVED at ${page.url}` },
          { container: 'agent', line: `WARNING:agent.tools:browse failed (ERR_NAME_NOT_RESOLVED); skipping ${new URL(page.url).host}` },
        ];
        continue;
      }
      yield [
        { container: 'browser', line: `[INFO] page.goto ${page.url} 200 (${page.ms + round * 7} ms)` },
        { container: 'agent', line: `INFO:agent.tools:extracted ${3 + ((page.ms + round) % 9)} paragraphs from ${new URL(page.url).host}` },
      ];
      if (round % 2 === 0 && page.ms > 600) yield [{ container: 'browser', line: '[WARN] console: Mixed Content: an insecure image was loaded over http' }];
    }
  }
}

export function startAgentboxActivity(emulator: AgentboxEmulator): Activity {
  return runScript(7, async (script) => {
    const sandbox: SandboxHandle = emulator.addSandbox({
      id: AGENTBOX_SANDBOX.id,
      pool: AGENTBOX_SANDBOX.pool,
      podName: AGENTBOX_SANDBOX.podName,
      containers: AGENTBOX_SANDBOX.containers,
    });
    for (const step of steps()) {
      for (const { container, line } of step) {
        if (!(await script.wait(60 + script.random() * 240))) return;
        sandbox.append(container, [line]);
        script.wrote(1);
      }
    }
  });
}

export const demoScenario: DemoScenario = {
  source: 'agentbox-pool',
  secret: 'AGENTBOX_API_KEY',
  async start(apiKey) {
    const emulator = await startAgentboxEmulator({ apiKey });
    return {
      url: `${emulator.url}/v1`,
      sourceYaml: (credential) => `  - name: agentbox-pool
    type: agentbox
    endpoint: ${quoted(emulator.url)}
    api_key: ${credential}
    pool: default                     # every Running sandbox of the pool, one stream per container
    follow: true
    poll_interval: 1s
    discover_interval: 500ms
`,
      startActivity: () => startAgentboxActivity(emulator),
      close: () => emulator.close(),
    };
  },
};
