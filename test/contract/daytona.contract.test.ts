// Daytona's half of the source contract: one session command of the Daytona emulator (WebSocket
// of marker-framed bytes, the whole log replayed from byte 0 on every connection, an exit record
// when the command ends).
import { startDaytonaEmulator, type CommandHandle } from '../../emulators/daytona.ts';
import type { ContractPlatform } from './platform-adapter.ts';
import { describeSourceContract } from './source-contract.ts';

const API_KEY = 'contract-daytona-key-8c2f';
const IDS = { sandbox: 'sb-contract', session: 's-contract', command: 'c-contract' };

/** A few bytes into the next entry: a cut there splits a line (and often a marker or character). */
const MID_ENTRY = 5;

const daytona: ContractPlatform = {
  type: 'daytona',
  lineBased: true,
  async start() {
    const emulator = await startDaytonaEmulator({ apiKey: API_KEY });
    const command: CommandHandle = emulator.addSandbox({ id: IDS.sandbox }).addSession(IDS.session).addCommand({ command: 'python agent.py', id: IDS.command });
    let next = 0;
    /** Log offset at the end of each entry, to turn "after k entries" into a byte limit. */
    const entryEnds: number[] = [];
    let cuts: number[] | undefined;
    const applyCuts = (): void => {
      if (!cuts) return;
      let entries = 0;
      const limits = cuts.map((k) => {
        entries += k;
        const end = entryEnds[entries - 1];
        return end === undefined ? Number.MAX_SAFE_INTEGER : end + MID_ENTRY;
      });
      command.setFaults({ disconnectAfterBytes: limits });
    };
    const streamRoutes = new Set(['logs', 'command-get']);
    return {
      sourceYaml: (name) => `  - name: ${name}
    type: daytona
    api_url: ${emulator.apiUrl}
    api_key: "\${env:DAYTONA_API_KEY}"
    sandbox: ${IDS.sandbox}
    session: ${IDS.session}
    command: ${IDS.command}
`,
      env: { DAYTONA_API_KEY: API_KEY },
      append(n) {
        const bodies: string[] = [];
        for (let i = 0; i < n; i++) {
          const body = `entry ${next++} — naïve café ✓ 日本`;
          if (i % 3 === 0) command.stderr(body);
          else command.stdout(body);
          bodies.push(body);
          entryEnds.push(command.log.length);
        }
        applyCuts();
        return bodies;
      },
      appendLines(lines) {
        for (const { body, stream } of lines) {
          if (stream === 'stderr') command.stderr(body);
          else command.stdout(body);
          entryEnds.push(command.log.length);
        }
        applyCuts();
      },
      appendMalformed() {
        // A stdout line that is not UTF-8: kept, with replacement characters, and flagged.
        command.raw(Buffer.concat([Buffer.from([1, 1, 1]), Buffer.from('bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes\n')]));
        entryEnds.push(command.log.length);
        return { body: 'bad \uFFFD\uFFFD bytes', parseError: true };
      },
      splitChunks: (seed) => command.setFaults({ frameBytes: 'random', seed }),
      disconnectAfter(k) {
        cuts = k;
        applyCuts();
      },
      failNext: (times, status, retryAfter) => emulator.failNext(times, status, { route: 'stream', ...(retryAfter === undefined ? {} : { retryAfter }) }),
      end() {
        command.exit(0);
        return ['command exited with code 0'];
      },
      requests: () => emulator.requests.filter((r) => streamRoutes.has(r.route) && r.path.includes(`/command/${IDS.command}`)).length,
      close: () => emulator.close(),
    };
  },
};

describeSourceContract(daytona);
