/**
 * No secret string from a config reaches the daemon's own logs (stderr) or /metrics, even at
 * log.level debug and on the paths most likely to quote one: a platform answering 401 with
 * the token echoed back, an endpoint answering 500 and 400 with the API key in its body, and
 * a SIGHUP reload that brings a new secret.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { startRig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { expectNoSecrets, get, runDaemonCli, stopCleanly, telemetryUrl, useOpsFixture } from './ops-helpers.ts';

const PLATFORM_TOKEN = 'plat-tok-4d9e1f2a7b';
const NEW_PLATFORM_TOKEN = 'plat-tok-new-8c3b5e0d';
const HEADER_TOKEN = 'otlp-bearer-6f0a9c2e';
const API_KEY = 'dd-api-key-1b7e3c9f5a';

const ops = useOpsFixture();

function config(r: Rig, token: string): string {
  return `sources:
  - name: leaky
    type: foundry
    endpoint: ${r.emulator.url}
    agent: support-agent
    discover_interval: 200ms
    auth: {type: bearer, token: "\${env:PLATFORM_TOKEN}"}
    attributes: {note: "${token === PLATFORM_TOKEN ? 'first' : 'second'}"}
exporter:
  endpoint: ${r.receiver.url}
  headers: {authorization: "Bearer ${HEADER_TOKEN}", x-api-key: "\${env:API_KEY}"}
  batch: {timeout: 20ms}
  retry: {initial_interval: 50ms, max_interval: 200ms}
storage: {dir: ${r.dir}/data}
server: {listen: "127.0.0.1:0"}
log: {level: debug}
shutdown_timeout: 3s
`;
}

describe('secrets stay out of logs and metrics', () => {
  it('at log.level debug, through auth failures, endpoint errors echoing secrets, and a reload', async () => {
    ops.rig = await startRig();
    ops.rig.emulator.setToken(PLATFORM_TOKEN);
    const session = ops.rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_secret' });
    session.append(...generateLines(200));
    // The platform refuses twice, echoing the credential; the endpoint fails with the key in its body.
    ops.rig.emulator.failNext(2, 401, { route: 'sessions', body: `{"error":"bad token Bearer ${PLATFORM_TOKEN}"}` });
    ops.rig.receiver.respondWith([
      { status: 500, body: `upstream rejected x-api-key=${API_KEY} authorization=Bearer ${HEADER_TOKEN}` },
      { status: 400, body: `invalid key ${API_KEY}` },
    ]);
    ops.daemon = runDaemonCli(ops.rig, config(ops.rig, PLATFORM_TOKEN), { PLATFORM_TOKEN, API_KEY });
    const base = await telemetryUrl(ops.daemon);
    // 500 is retried, then 400 drops that batch (counted); the next lines go through.
    await until(() => ops.rig!.receiver.requests.length >= 2, 'the two failing exports', 20_000);
    session.append(...generateLines(20, { start: Date.parse('2026-03-20T00:00:00Z') }));
    await until(() => ops.rig!.receiver.records.length === 20, 'an export after the failures', 20_000);

    // A reload brings a new platform token: it is scrubbed from the first line that could quote it.
    ops.rig.emulator.setToken(NEW_PLATFORM_TOKEN);
    writeFileSync(ops.rig.configPath, config(ops.rig, NEW_PLATFORM_TOKEN).replace('"${env:PLATFORM_TOKEN}"', `"${NEW_PLATFORM_TOKEN}"`));
    ops.daemon.child.kill('SIGHUP');
    await until(() => ops.daemon!.stderr().includes('"event":"config.reloaded"'), 'the reload');
    ops.rig.emulator.failNext(1, 401, { route: 'sessions', body: `{"error":"bad token Bearer ${NEW_PLATFORM_TOKEN}"}` });
    session.append(...generateLines(10, { start: Date.parse('2026-04-01T00:00:00Z') }));
    await until(() => ops.rig!.receiver.records.some((r) => r.attributes.note === 'second'), 'records of the reloaded source', 20_000);

    const metrics = (await get(`${base}/metrics`)).text;
    const ready = (await get(`${base}/readyz`)).text;
    const stderr = await stopCleanly(ops.daemon);
    // The failures really were logged (at debug, with details), just without the secrets.
    expect(stderr).toContain('"event":"export.retry"');
    expect(stderr).toContain('"event":"export.dropped"');
    expect(stderr).toContain('"event":"stream.auth_failed"');
    expect(stderr).toContain('[REDACTED]');
    expectNoSecrets({ PLATFORM_TOKEN, NEW_PLATFORM_TOKEN, HEADER_TOKEN, API_KEY }, { stderr, '/metrics': metrics, '/readyz': ready });
  }, 60_000);
});
