// Foundry's half of the source contract: one session of the Foundry emulator (SSE, whole
// history replayed on every connection, 404 once the session is deleted).
import { startFoundryEmulator } from '../../emulators/foundry.ts';
import type { ContractPlatform } from './platform-adapter.ts';
import { describeSourceContract } from './source-contract.ts';

const TOKEN = 'contract-foundry-token-5d1e';
const SESSION = { agent: 'contract-agent', version: '4', id: 's_contract' };

const foundry: ContractPlatform = {
  type: 'foundry',
  lineBased: true,
  async start() {
    const emulator = await startFoundryEmulator({ token: TOKEN });
    const session = emulator.addSession(SESSION);
    let next = 0;
    return {
      sourceYaml: (name) => `  - name: ${name}
    type: foundry
    endpoint: ${emulator.url}
    agent: ${SESSION.agent}
    version: "${SESSION.version}"
    session: ${SESSION.id}
    auth: {type: bearer, token: "\${env:FOUNDRY_TOKEN}"}
`,
      env: { FOUNDRY_TOKEN: TOKEN },
      append(n) {
        const bodies = Array.from({ length: n }, () => `entry ${next++} — naïve café ✓ 日本`);
        session.append(...bodies.map((message, i) => ({ stream: i % 3 === 0 ? 'stderr' : 'stdout', message })));
        return bodies;
      },
      appendLines: (lines) => session.append(...lines.map(({ body, stream }) => ({ stream, message: body }))),
      appendMalformed() {
        session.append({ raw: '{"timestamp": "2026-11-21T00:00:00Z", "mess' });
        return { body: '{"timestamp": "2026-11-21T00:00:00Z", "mess', parseError: true };
      },
      splitChunks: (seed) => session.setFaults({ chunking: 'random', seed }),
      disconnectAfter: (k) => session.setFaults({ disconnectAfter: k, disconnectMidFrame: true }),
      failNext: (times, status, retryAfter) => session.failNext(times, status, retryAfter === undefined ? {} : { retryAfter }),
      end() {
        session.end();
        return [];
      },
      requests: () => session.attempts,
      close: () => emulator.close(),
    };
  },
};

describeSourceContract(foundry);
