/**
 * AgentBox stamps lines in nanoseconds (RFC 3339, 9 fractional digits): `time_unix_nano` carries
 * them exactly (never rounded to the millisecond), over protobuf and JSON alike, and the cursor
 * keeps lines apart within one millisecond across polls and a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { daemonYaml, runDaemon, startPlatformRig, writeValidConfig, type InProcess, type PlatformRig } from '../helpers/rig-base.ts';
import { startAgentboxEmulator, type AgentboxEmulator } from '../../emulators/agentbox.ts';
import { until } from '../helpers/until.ts';

const KEY = 'agbx_nanos_key_5e21';
const SB = '0192f7a4-bbbb-7d3e-8f90-000000000002';
const MS = Date.parse('2026-09-04T10:00:00.123Z');

let rig: PlatformRig<AgentboxEmulator> | undefined;
const daemons: InProcess[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.daemon.shutdown(5000)));
  await rig?.close();
  rig = undefined;
});

function run(r: PlatformRig<AgentboxEmulator>, protocol: string): InProcess {
  const text = `sources:
  - name: boxes
    type: agentbox
    endpoint: ${r.emulator.url}
    api_key: "\${env:AGENTBOX_API_KEY}"
    sandbox: ${SB}
    container: sandbox
    poll_interval: 30ms
${daemonYaml(r, { exporter: `  protocol: ${protocol}\n` })}`;
  const daemon = runDaemon(writeValidConfig(r, text, { AGENTBOX_API_KEY: KEY }), [KEY]);
  daemons.push(daemon);
  return daemon;
}

/** The line's own nanoseconds: `.123` ms and then `sub` (0–999 999) nanoseconds. */
const stamp = (sub: number) => `2026-09-04T10:00:00.123${String(sub).padStart(6, '0')}Z`;
const nanos = (sub: number) => BigInt(MS) * 1_000_000n + BigInt(sub);

describe('AgentBox nanosecond time', () => {
  for (const protocol of ['http/protobuf', 'http/json']) {
    it(`${protocol}: time_unix_nano is the platform's nanoseconds, and lines within one millisecond arrive once each across a restart`, async () => {
      rig = await startPlatformRig(await startAgentboxEmulator({ apiKey: KEY, now: () => MS }), 'ale-nanos-');
      const sb = rig.emulator.addSandbox({ id: SB });
      const subs = [1, 999_999, 456_789, 2, 500_000];
      subs.forEach((sub, i) => sb.append('sandbox', [`line ${i}`], stamp(sub)));
      const first = run(rig, protocol);
      await until(() => rig!.receiver.records.length >= subs.length, 'the first lines', 10_000);
      await first.daemon.shutdown(5000);
      // Same millisecond, new nanoseconds (and one repeat of an earlier stamp with a new text).
      const later = [3, 456_789, 999_998];
      later.forEach((sub, i) => sb.append('sandbox', [`later ${i}`], stamp(sub)));
      run(rig, protocol);
      await until(() => rig!.receiver.records.length >= subs.length + later.length, 'the later lines', 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const records = rig.receiver.records;
      expect(records.map((r) => String(r.body))).toEqual([...subs.map((_, i) => `line ${i}`), ...later.map((_, i) => `later ${i}`)]);
      expect(records.map((r) => r.timeUnixNano)).toEqual([...subs, ...later].map(nanos));
    });
  }
});
