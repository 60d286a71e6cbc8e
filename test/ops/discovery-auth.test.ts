/**
 * A platform refusing the credentials on the listing call (before any stream exists) is an
 * auth failure like a refused stream: /readyz says `auth_failed` for the source, the refusal is
 * counted in agentlog_auth_failures_total on every attempt but logged once a minute, and the
 * source recovers by itself once the platform accepts the credentials again.
 */
import { describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { TOKEN, startRig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { get, opsConfigYaml, parseMetrics, runDaemonCli, sample, telemetryUrl, useOpsFixture } from './ops-helpers.ts';

const SOURCE = 'foundry-test';
type Readiness = { sources: Record<string, { state: string; streams: unknown[] }> };
const readiness = async (base: string): Promise<Readiness> => JSON.parse((await get(`${base}/readyz`)).text) as Readiness;
const ops = useOpsFixture();

describe('listing refused with 401', () => {
  it('is auth_failed on /readyz, counted every time, logged once, and recovers', async () => {
    ops.rig = await startRig();
    ops.rig.emulator.setToken('the-right-one');
    ops.rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_auth' }).append(...generateLines(5));
    ops.daemon = runDaemonCli(ops.rig, opsConfigYaml(ops.rig, { agent: 'support-agent' }), { FOUNDRY_TOKEN: TOKEN });
    const base = await telemetryUrl(ops.daemon);
    // discover_interval is 200ms: several refused listings.
    await until(() => ops.rig!.emulator.requests.length >= 4, 'four refused listings', 10_000);
    expect((await get(`${base}/readyz`)).status).toBe(200);
    expect((await readiness(base)).sources[SOURCE]).toEqual({ state: 'auth_failed', streams: [] });
    const m = parseMetrics((await get(`${base}/metrics`)).text);
    expect(sample(m, 'agentlog_auth_failures_total', { source: SOURCE })).toBeGreaterThanOrEqual(3);
    const stderr = ops.daemon.stderr();
    expect(stderr.match(/"event":"stream\.auth_failed"/g)).toHaveLength(1);
    expect(stderr).not.toContain('"event":"discovery.failed"');

    ops.rig.emulator.setToken(TOKEN);
    await ops.rig.receiver.waitFor(5, 10_000);
    let state = '';
    for (let i = 0; i < 200 && state !== 'connected'; i++) {
      state = (await readiness(base)).sources[SOURCE]?.state ?? '';
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(state).toBe('connected');
    ops.daemon.child.kill('SIGTERM');
    expect((await ops.daemon.exited).code).toBe(0);
  }, 30_000);
});
