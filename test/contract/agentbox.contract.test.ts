// AgentBox's half of the source contract: one container of one sandbox of the AgentBox emulator.
//
// The source runs with `follow: true` here, over the NDJSON `/logs/stream` route: that is where
// "split chunks" (random NDJSON chunking across line and UTF-8 boundaries) and "disconnect" (a
// connection cut after k lines, every reconnect replaying the last `lines` lines) mean something.
// A snapshot poll reads one whole JSON body, so for polling those two faults would test nothing
// of ours; polling has its own e2e tests (test/e2e/agentbox-*.test.ts). Ending the stream = the
// sandbox leaves Running: open streams end, the next request answers 404 "not found or already
// terminated", and the stream is finished.
import { startAgentboxEmulator } from '../../emulators/agentbox.ts';
import type { ContractPlatform } from './platform-adapter.ts';
import { describeSourceContract } from './source-contract.ts';

const KEY = 'agbx_contract_key_7c2e';
const SANDBOX = '0192f7a4-1c2b-7d3e-8f90-123456789abc';

const agentbox: ContractPlatform = {
  type: 'agentbox',
  lineBased: true,
  async start() {
    const emulator = await startAgentboxEmulator({ apiKey: KEY });
    const sandbox = emulator.addSandbox({ id: SANDBOX, containers: ['sandbox', 'egress-proxy'] });
    let next = 0;
    const logRequests = () => emulator.requests.filter((r) => r.sandboxId === SANDBOX && (r.route === 'logs' || r.route === 'stream')).length;
    return {
      sourceYaml: (name) => `  - name: ${name}
    type: agentbox
    endpoint: ${emulator.url}
    api_key: "\${env:AGENTBOX_API_KEY}"
    sandbox: ${SANDBOX}
    container: sandbox
    follow: true
    lines: 1000
    poll_interval: 50ms
`,
      env: { AGENTBOX_API_KEY: KEY },
      append(n) {
        const bodies = Array.from({ length: n }, () => `entry ${next++} — naïve café ✓ 日本`);
        sandbox.append('sandbox', bodies);
        return bodies;
      },
      // The kubelet's log has no stream per line on this route: every line in one order.
      appendLines: (lines) => sandbox.append('sandbox', lines.map((l) => l.body)),
      appendMalformed() {
        const text = '{"_timestamp":"2026-11-21T00:00:00.000000001Z","container_name":"sandbox","lo';
        sandbox.appendMalformed('sandbox', { container: 'sandbox', log: 42 }, text);
        return { body: text, parseError: true };
      },
      splitChunks: (seed) => emulator.setFaults({ chunking: 'random', seed }),
      disconnectAfter: (k) => emulator.setFaults({ disconnectAfter: k }),
      failNext: (times, status, retryAfter) => emulator.failNext(times, status, retryAfter === undefined ? {} : { retryAfter }),
      end() {
        sandbox.setStatus('Completed');
        return [];
      },
      requests: logRequests,
      close: () => emulator.close(),
    };
  },
};

describeSourceContract(agentbox);
