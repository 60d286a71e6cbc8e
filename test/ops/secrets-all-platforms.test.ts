/**
 * A config holding a secret for every platform (Foundry bearer token, Hill90 OIDC client secret,
 * Daytona and AgentBox API keys) and exporter headers: at log.level debug none of them reaches
 * stderr, /metrics, /readyz or `validate`, even when each platform and the endpoint echo the
 * credential back in an error body, and even when an endpoint echoes only the token of an
 * `authorization: "Bearer …"` header.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentboxEmulator, type AgentboxEmulator } from '../../emulators/agentbox.ts';
import { startDaytonaEmulator, type DaytonaEmulator } from '../../emulators/daytona.ts';
import { generateLines } from '../../emulators/foundry.ts';
import { startHill90Emulator, type Hill90Emulator } from '../../emulators/hill90.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { startRig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { expectNoSecrets, get, stopCleanly, telemetryUrl, useOpsFixture } from './ops-helpers.ts';

const S = {
  foundry: 'fdy-secret-A1b2C3d4e5',
  hill90: 'h90-clientsecret-Z9y8x7',
  daytona: 'dtn-apikey-Q7w6E5r4',
  agentbox: 'agbx-apikey-M3n4B5v6',
  header: 'hdr-bearer-P0o9I8u7',
  apiKey: 'hdr-apikey-L1k2J3h4',
};

let hill: Hill90Emulator | undefined;
let day: DaytonaEmulator | undefined;
let box: AgentboxEmulator | undefined;
afterEach(async () => {
  await Promise.all([hill?.close(), day?.close(), box?.close()]);
  hill = day = box = undefined;
});
// Registered last, so it runs first: the CLI is killed before the platforms go.
const ops = useOpsFixture();

describe('secrets of every platform stay out of logs, probes, metrics and validate', () => {
  it('at debug, with every platform and the endpoint echoing the credential', async () => {
    ops.rig = await startRig();
    ops.rig.emulator.setToken(S.foundry);
    ops.rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's1' }).append(...generateLines(10));
    hill = await startHill90Emulator({ oidc: { clientId: 'cid', clientSecret: S.hill90 } });
    hill.addAgent({ id: 'a1', name: 'Planner' });
    day = await startDaytonaEmulator({ apiKey: S.daytona });
    day.addSandbox({ id: 'sb-d' }).addSession('s').addCommand({ command: 'echo', id: 'c1' }).stdout('hello daytona');
    box = await startAgentboxEmulator({ apiKey: S.agentbox });
    box.addSandbox({ id: 'sb-a' }).append('sandbox', ['hello agentbox']);

    ops.rig.emulator.failNext(3, 401, { route: 'sessions', body: `{"error":"bad token Bearer ${S.foundry}"}` });
    hill.failNext(3, 401, { route: 'token', body: { error: 'invalid_client', client_secret: S.hill90 } });
    day.failNext(3, 401, { route: 'sandbox-get', body: `{"message":"invalid key ${S.daytona}"}` });
    box.failNext(3, 401, { route: 'list', body: `{"error":"invalid key ${S.agentbox}"}` });
    // The endpoint echoes the bare token of the authorization header, and the API key.
    ops.rig.receiver.respondWith([
      { status: 500, body: `token ${S.header} is not valid here` },
      { status: 503, body: `x-api-key ${S.apiKey} throttled` },
    ]);

    const text = `sources:
  - name: fdy
    type: foundry
    endpoint: ${ops.rig.emulator.url}
    agent: support-agent
    discover_interval: 200ms
    auth: {type: bearer, token: "\${env:FDY_TOKEN}"}
  - name: hill
    type: hill90
    endpoint: ${hill.url}
    agent_id: a1
    auth: {type: oidc, token_url: "${hill.tokenUrl}", client_id: cid, client_secret: "${S.hill90}"}
  - name: day
    type: daytona
    api_url: ${day.apiUrl}
    api_key: "\${env:DAYTONA_KEY}"
    sandbox: sb-d
    discover_interval: 200ms
  - name: box
    type: agentbox
    endpoint: ${box.url}
    api_key: "${S.agentbox}"
    poll_interval: 100ms
    discover_interval: 200ms
exporter:
  endpoint: ${ops.rig.receiver.url}
  headers: {authorization: "Bearer ${S.header}", x-api-key: "\${env:OTLP_KEY}"}
  batch: {timeout: 20ms}
  retry: {initial_interval: 50ms, max_interval: 200ms}
storage: {dir: ${ops.rig.dir}/data}
server: {listen: "127.0.0.1:0"}
log: {level: debug}
shutdown_timeout: 3s
`;
    writeFileSync(ops.rig.configPath, text);
    const env = { FDY_TOKEN: S.foundry, DAYTONA_KEY: S.daytona, OTLP_KEY: S.apiKey };
    const validate = runCli(['validate', '--config', ops.rig.configPath], env);
    expect(validate.status, validate.stderr).toBe(0);

    ops.daemon = spawnCli(['run', '--config', ops.rig.configPath], env);
    const base = await telemetryUrl(ops.daemon);
    await until(() => ops.rig!.receiver.requests.length >= 2, 'the two failing exports', 20_000);
    // Every source got through its refusals.
    await until(() => ['hello daytona', 'hello agentbox'].every((b) => ops.rig!.receiver.records.some((r) => r.body === b)), 'daytona and agentbox records', 20_000);
    await until(() => ops.rig!.receiver.records.filter((r) => r.resource['service.name'] === 'fdy').length === 10, 'foundry records', 20_000);
    // Hill90 retries a refused token request only after a minute: its one refusal is the echo.
    expect(hill.requests.some((r) => r.route === 'token')).toBe(true);
    const ready = (await get(`${base}/readyz`)).text;
    const metrics = (await get(`${base}/metrics`)).text;
    const stderr = await stopCleanly(ops.daemon);
    // The echoing paths really were logged.
    expect(stderr).toContain('"event":"export.retry"');
    expect(stderr).toContain('"event":"stream.auth_failed"');
    expect(stderr).toContain('[REDACTED]');
    expectNoSecrets(S, { stderr, '/readyz': ready, '/metrics': metrics, validate: validate.stdout + validate.stderr });
  }, 60_000);
});
