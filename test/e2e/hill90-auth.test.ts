/**
 * OIDC client credentials against the emulator's token endpoint: tokens are cached and refreshed
 * before they expire, and when the server ends a stream because its JWT expired ("Credential
 * expired") the daemon reconnects with a fresh token — no loss, no duplicate, no auth failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateEvents } from '../../emulators/hill90.ts';
import { until } from '../helpers/until.ts';
import { CLIENT_ID, CLIENT_SECRET, pause, runHill90, SOURCE, startHill90Rig, writeHill90Config, type Hill90Rig } from '../helpers/hill90-rig.ts';

const AGENT = '9b3f0c1e-2d4a-4e5f-8a6b-7c8d9e0f1a2b';
let rig: Hill90Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('Hill90 OIDC', () => {
  it('refreshes short-lived tokens and reconnects after "Credential expired" without loss or duplicates', async () => {
    rig = await startHill90Rig({ oidc: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ttlMs: 600 } });
    const agent = rig.emulator.addAgent({ id: AGENT, name: 'Planner' });
    const events = generateEvents(200, { inferenceEvery: 4 });
    agent.append(...events.slice(0, 20));
    const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { auth: 'oidc', tail: 500 }));
    // The agent keeps writing across several token lives.
    for (let i = 20; i < events.length; i += 6) {
      agent.append(...events.slice(i, i + 6));
      await pause(20);
    }
    await until(() => agent.connections >= 4, 'reconnects after token expiry', 15_000);
    await rig.receiver.waitFor(events.length, 15_000);
    await pause(300);
    await daemon.shutdown(5000);

    const got = rig.receiver.records.map((r) => String(r.body));
    const want = events.map((e) => String(e.input_summary));
    expect(got.length).toBe(want.length);
    expect([...got].sort()).toEqual([...want].sort());
    expect(new Set(got).size).toBe(got.length);

    const streamRequests = rig.emulator.requests.filter((r) => r.route === 'events');
    const tokensUsed = new Set(streamRequests.map((r) => r.headers.authorization));
    expect(tokensUsed.size).toBeGreaterThanOrEqual(3);
    expect(rig.emulator.tokensIssued).toBeGreaterThanOrEqual(3);
    // Never an expired token: refreshed before expiry, and no reconnect counted as an auth failure.
    expect(rig.emulator.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(telemetry.total('agentlog_auth_failures_total')).toBe(0);
    expect(telemetry.total('agentlog_platform_errors_total', { source: SOURCE })).toBeGreaterThanOrEqual(2);
    // One token serves discovery and the stream: far fewer token requests than API requests.
    const apiRequests = rig.emulator.requests.filter((r) => r.route !== 'token').length;
    expect(rig.emulator.tokensIssued).toBeLessThan(apiRequests);
    // Client credentials, form-encoded.
    const tokenRequest = rig.emulator.requests.find((r) => r.route === 'token')!;
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('a token the server stops accepting is replaced once at once, without an auth failure', async () => {
    rig = await startHill90Rig({ oidc: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const agent = rig.emulator.addAgent({ id: AGENT });
    const events = generateEvents(30);
    agent.append(...events);
    rig.emulator.failNext(1, 401);
    const { daemon, events: telemetry } = runHill90(writeHill90Config(rig, { auth: 'oidc', agentId: AGENT }));
    await rig.receiver.waitFor(events.length, 10_000);
    await daemon.shutdown(5000);
    const streams = rig.emulator.requests.filter((r) => r.route === 'events');
    expect(streams.map((r) => r.status)).toEqual([401, 200]);
    // The second connection carried a new token, fetched because the first was refused.
    expect(streams[1]!.headers.authorization).not.toBe(streams[0]!.headers.authorization);
    expect(telemetry.total('agentlog_auth_failures_total')).toBe(0);
    // The server replays inference events ahead of container events, so compare as sets.
    const got = rig.receiver.records.map((r) => String(r.body));
    expect(got.length).toBe(events.length);
    expect([...got].sort()).toEqual(events.map((e) => String(e.input_summary)).sort());
  });

  it('a refused client secret is an auth failure, retried slowly, and the secret appears nowhere', async () => {
    rig = await startHill90Rig({ oidc: { clientId: CLIENT_ID, clientSecret: 'the-rotated-secret' } });
    rig.emulator.addAgent({ id: AGENT });
    const { daemon, events } = runHill90(writeHill90Config(rig, { auth: 'oidc', agentId: AGENT }));
    await until(() => daemon.status().sources[SOURCE]?.streams[0]?.state === 'auth_failed', 'auth_failed');
    await until(() => events.total('agentlog_auth_failures_total') >= 2, 'a slow retry');
    const status = JSON.stringify(daemon.status());
    expect(status).toContain('invalid_client');
    expect(status).not.toContain(CLIENT_SECRET);
    await daemon.shutdown(5000);
    expect(rig.emulator.requests.filter((r) => r.route === 'events')).toEqual([]);
  });
});
