/**
 * A platform refusing the credentials on the listing call (before any stream exists) is an
 * auth failure like a refused stream: /readyz says `auth_failed` for the source, the refusal is
 * counted in agentlog_auth_failures_total on every attempt but logged once a minute, and the
 * source recovers by itself once the platform accepts the credentials again.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../src/emulators/foundry.ts';
import { spawnCli, type Spawned } from '../helpers/cli.ts';
import { TOKEN, startRig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { get, opsConfigYaml, parseMetrics, sample, telemetryUrl } from './ops-helpers.ts';

const SOURCE = 'foundry-test';
type Readiness = { sources: Record<string, { state: string; streams: unknown[] }> };
const readiness = async (base: string): Promise<Readiness> => JSON.parse((await get(`${base}/readyz`)).text) as Readiness;
let rig: Rig | undefined;
let daemon: Spawned | undefined;
afterEach(async () => {
  daemon?.child.kill('SIGKILL');
  await rig?.close();
  rig = daemon = undefined;
});

describe('listing refused with 401', () => {
  it('is auth_failed on /readyz, counted every time, logged once, and recovers', async () => {
    rig = await startRig();
    rig.emulator.setToken('the-right-one');
    rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_auth' }).append(...generateLines(5));
    writeFileSync(rig.configPath, opsConfigYaml(rig, { agent: 'support-agent' }));
    daemon = spawnCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    const base = await telemetryUrl(daemon);
    // discover_interval is 200ms: several refused listings.
    await until(() => rig!.emulator.requests.length >= 4, 'four refused listings', 10_000);
    expect((await get(`${base}/readyz`)).status).toBe(200);
    expect((await readiness(base)).sources[SOURCE]).toEqual({ state: 'auth_failed', streams: [] });
    const m = parseMetrics((await get(`${base}/metrics`)).text);
    expect(sample(m, 'agentlog_auth_failures_total', { source: SOURCE })).toBeGreaterThanOrEqual(3);
    const stderr = daemon.stderr();
    expect(stderr.match(/"event":"stream\.auth_failed"/g)).toHaveLength(1);
    expect(stderr).not.toContain('"event":"discovery.failed"');

    rig.emulator.setToken(TOKEN);
    await rig.receiver.waitFor(5, 10_000);
    let state = '';
    for (let i = 0; i < 200 && state !== 'connected'; i++) {
      state = (await readiness(base)).sources[SOURCE]?.state ?? '';
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(state).toBe('connected');
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
  }, 30_000);
});
