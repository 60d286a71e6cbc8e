/**
 * `demo --emulators-only` (`npm run emulators`): the demo's platform emulators with their
 * scripted agents and the loopback OTLP receiver, without a daemon, until Ctrl-C. It writes a
 * config for them (credentials as `${env:NAME:-value}`, so it works as it is and shows where a
 * real secret goes) for the user to try `run`, `tail` and `checkpoints` on, and says every few
 * seconds what the receiver decoded, per source.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOtlpReceiver, type OtlpReceiver } from '../otlp-receiver.ts';
import { EXIT_OK } from '../../src/cli/errors.ts';
import { DEMO_SOURCES, demoConfigYaml } from './config.ts';
import type { GuardedOutput } from './output.ts';
import { startPlatforms } from './platforms.ts';

const PROGRESS_MS = 5000;

export interface EmulatorsOnlyOptions {
  output: GuardedOutput;
  /** Export here instead of to the loopback receiver. */
  otlpEndpoint?: string;
  /** Leave the config and state directory behind. */
  keep: boolean;
  /** Ctrl-C (or the reader closing the output). */
  signal: AbortSignal;
}

/** The demo config with every credential reference given its emulator's value as the default. */
export function withSecretDefaults(yaml: string, secrets: Record<string, string>): string {
  return yaml.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (ref, name: string) => (secrets[name] === undefined ? ref : `\${env:${name}:-${secrets[name]}}`));
}

/** The daemon you start yourself should say what it does: info, not the demo's warn. */
const withInfoLogs = (yaml: string): string => yaml.replace(/^log: .*$/m, 'log: {level: info, format: pretty}');

function receiverLine(receiver: OtlpReceiver): string {
  const bySource = new Map<string, number>(DEMO_SOURCES.map((s) => [s.name, 0]));
  for (const r of receiver.records) {
    const name = String(r.resource['service.name']);
    bySource.set(name, (bySource.get(name) ?? 0) + 1);
  }
  const accepted = receiver.requests.filter((r) => r.status >= 200 && r.status < 300).length;
  const time = new Date().toISOString().slice(11, 19);
  return `  ${time}  the receiver decoded ${receiver.records.length} records in ${accepted} requests: ${[...bySource].map(([name, n]) => `${name} ${n}`).join(' · ')}`;
}

export async function emulatorsOnly(options: EmulatorsOnlyOptions): Promise<number> {
  const { output, signal } = options;
  const out = (line = ''): void => output.write(line + '\n');
  const closers: (() => unknown)[] = [];
  try {
    const platforms = await startPlatforms();
    closers.push(() => platforms.close());
    let receiver: OtlpReceiver | undefined;
    if (options.otlpEndpoint === undefined) {
      receiver = await startOtlpReceiver();
      closers.push(() => receiver?.close());
    }
    const dir = mkdtempSync(join(tmpdir(), 'agent-log-exporter-emulators-'));
    if (!options.keep) closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'agent-log-exporter.yaml');
    const otlpEndpoint = options.otlpEndpoint ?? receiver!.url;
    const yaml = demoConfigYaml({ ...platforms.endpoints, otlpEndpoint, storageDir: join(dir, 'data') });
    writeFileSync(configPath, withInfoLogs(withSecretDefaults(yaml, platforms.secrets)));
    const activity = platforms.startActivity();
    closers.push(() => activity.stop());

    out(`agent-log-exporter emulators: ${DEMO_SOURCES.length} emulated agent platforms with scripted agents, no daemon`);
    for (const s of DEMO_SOURCES) out(`  ${s.platform.padEnd(9)} ${platforms.urls[s.platform]}  (emulator; source "${s.name}", credential ${s.secret})`);
    out(`  ${'OTLP'.padEnd(9)} ${otlpEndpoint}  (${receiver ? 'loopback receiver, decodes with the official OTLP proto schema' : 'yours, from --otlp-endpoint'})`);
    out(`  config    ${configPath}`);
    out();
    out('In another terminal of this checkout:');
    for (const command of ['run', 'tail', 'checkpoints list']) out(`  npx agent-log-exporter ${command} --config ${configPath}`);
    out();
    out(`Ctrl-C stops the emulators${options.keep ? '' : ` and removes ${dir}`}.`);

    let last = '';
    const progress = setInterval(() => {
      if (!receiver || receiver.records.length === 0) return;
      const line = receiverLine(receiver);
      if (line.slice(12) !== last) out(line);
      last = line.slice(12);
    }, PROGRESS_MS);
    closers.push(() => clearInterval(progress));

    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    for (let close = closers.pop(); close; close = closers.pop()) await close();
    out(`stopped: emulators${receiver ? ' and receiver' : ''} closed, ${options.keep ? `${dir} kept` : 'temporary directory removed'}`);
    return EXIT_OK;
  } finally {
    for (let close = closers.pop(); close; close = closers.pop()) {
      try {
        await close();
      } catch {
        // keep closing the rest
      }
    }
  }
}
