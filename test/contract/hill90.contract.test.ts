// Hill90's half of the source contract: one agent of the Hill90 emulator (SSE; every connection
// replays the last `tail` events, skipped by id; `event: end` once the container stops).
import { seededUuid, startHill90Emulator } from '../../emulators/hill90.ts';
import { createRandom } from '../../emulators/shared/chunking.ts';
import type { ContractPlatform } from './platform-adapter.ts';
import { describeSourceContract } from './source-contract.ts';

const TOKEN = 'contract-hill90-token-8c2a';
const AGENT = '5b2e6c1d-0a9f-4e8d-b7c6-1f2e3d4c5b6a';

const hill90: ContractPlatform = {
  type: 'hill90',
  lineBased: false,
  async start() {
    const emulator = await startHill90Emulator({ token: TOKEN });
    const agent = emulator.addAgent({ id: AGENT, name: 'contract-agent' });
    const random = createRandom(4242);
    const start = Date.parse('2026-11-21T00:00:00.000Z');
    let next = 0;
    return {
      // A tail that covers every history the suite writes, so a replay always reaches known events.
      sourceYaml: (name) => `  - name: ${name}
    type: hill90
    endpoint: ${emulator.url}
    agent_id: ${AGENT}
    tail: 1000
    auth: {type: bearer, token: "\${env:HILL90_TOKEN}"}
`,
      env: { HILL90_TOKEN: TOKEN },
      append(n) {
        const bodies = Array.from({ length: n }, () => `entry ${next++} — naïve café ✓ 日本`);
        // Container events only: inference rows are replayed ahead of them, so their order across kinds is not the write order.
        agent.append(...bodies.map((input_summary, i) => ({
          id: seededUuid(random),
          timestamp: new Date(start + next * 3 + i).toISOString(),
          type: i % 4 === 0 ? 'command_start' : 'command_complete',
          tool: 'shell',
          input_summary,
          output_summary: i % 4 === 0 ? null : 'exit 0',
          duration_ms: i % 4 === 0 ? null : 12,
          success: i % 4 === 0 ? null : true,
        })));
        return bodies;
      },
      appendMalformed() {
        const raw = '{"id": "3c90c3cc-0d44-4b50-8888-8dd2573605';
        agent.append({ raw });
        return { body: raw, parseError: true };
      },
      splitChunks: (seed) => agent.setFaults({ chunking: 'random', seed }),
      disconnectAfter: (k) => agent.setFaults({ disconnectAfter: k }),
      failNext: (times, status, retryAfter) => emulator.failNext(times, status, retryAfter === undefined ? {} : { retryAfter }),
      end() {
        agent.end();
        return [];
      },
      requests: () => agent.attempts,
      close: () => emulator.close(),
    };
  },
};

describeSourceContract(hill90);
