/**
 * Foundry `auth: {type: azure}` end to end, never touching the internet: the real CLI gets its
 * Entra ID token from DefaultAzureCredential's managed-identity path (App Service style:
 * IDENTITY_ENDPOINT + IDENTITY_HEADER, set only in the child's environment) served by a
 * loopback token endpoint, and the Foundry emulator accepts only that token. Short-lived
 * tokens are renewed before they expire; a failing endpoint is logged once a minute, not per
 * retry. The cache itself is checked with a clock of its own.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { AZURE_AUTH_FIX, createAzureTokenProvider, CREDENTIALS_TRIED, FOUNDRY_SCOPE, TokenUnavailableError } from '../../src/sources/foundry/azure-token.ts';
import type { Spawned } from '../helpers/cli.ts';
import { foundryConfigYaml, startRig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { runDaemonCli, stopCleanly } from './ops-helpers.ts';

const ISSUED = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.entra-token-5b1f';
const IDENTITY_HEADER = 'identity-header-secret-9d2c';

interface TokenEndpoint {
  url: string;
  requests: { url: string; header: string | undefined; at: number }[];
  close(): Promise<void>;
}

/** An App Service managed-identity endpoint (api-version 2019-08-01) on loopback. */
async function startTokenEndpoint(answer: { status: number; lifetimeS: number }): Promise<TokenEndpoint> {
  const requests: TokenEndpoint['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? '', header: req.headers['x-identity-header'] as string | undefined, at: Date.now() });
    res.setHeader('content-type', 'application/json');
    if (answer.status !== 200 || req.headers['x-identity-header'] !== IDENTITY_HEADER) {
      res.statusCode = answer.status === 200 ? 401 : answer.status;
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'Identity not found' }));
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + answer.lifetimeS;
    res.end(JSON.stringify({ access_token: ISSUED, expires_on: String(expiresOn), resource: 'https://ai.azure.com', token_type: 'Bearer' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/msi/token`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let rig: Rig | undefined;
let daemon: Spawned | undefined;
let endpoint: TokenEndpoint | undefined;
afterEach(async () => {
  daemon?.child.kill('SIGKILL');
  await rig?.close();
  await endpoint?.close();
  rig = daemon = endpoint = undefined;
});

function azureConfig(r: Rig): string {
  return foundryConfigYaml(r, { agent: 'support-agent' })
    .replace('auth: {type: bearer, token: "${env:FOUNDRY_TOKEN}"}', 'auth: {type: azure}')
    .replace('log: {level: warn}', 'log: {level: debug}');
}

const childEnv = (e: TokenEndpoint): Record<string, string> => ({ IDENTITY_ENDPOINT: e.url, IDENTITY_HEADER: IDENTITY_HEADER, AZURE_TOKEN_CREDENTIALS: '' });

describe('Foundry auth azure with the real CLI', () => {
  it('follows sessions with a managed-identity token from a loopback endpoint, renewing short-lived tokens', async () => {
    rig = await startRig({ chunking: 'random', seed: 3 });
    endpoint = await startTokenEndpoint({ status: 200, lifetimeS: 3 });
    rig.emulator.setToken(ISSUED);
    const lines = generateLines(500);
    rig.emulator.addSession({ agent: 'support-agent', version: '2', id: 's_az' }).append(...lines);
    daemon = runDaemonCli(rig, azureConfig(rig), childEnv(endpoint));
    await rig.receiver.waitFor(lines.length, 20_000);
    // Discovery lists sessions every 200 ms, each call with a token: served from the cache,
    // renewed before the 3 s lifetime runs out.
    await until(() => endpoint!.requests.length >= 3, 'two renewals', 15_000);
    await stopCleanly(daemon);

    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
    const first = endpoint.requests[0]!;
    expect(first.header).toBe(IDENTITY_HEADER);
    expect(new URL(first.url, 'http://x').searchParams.get('resource')).toBe('https://ai.azure.com');
    const span = (endpoint.requests.at(-1)!.at - first.at) / 1000;
    // At most one request per ~half lifetime (1.5 s), far fewer than the ~5 listings a second.
    expect(endpoint.requests.length).toBeLessThanOrEqual(Math.ceil(span / 1.4) + 1);
    const authorizations = rig.emulator.requests.map((r) => r.headers.authorization);
    expect(authorizations.every((a) => a === `Bearer ${ISSUED}`)).toBe(true);
    expect(daemon.stderr()).not.toContain('auth_failed');
    for (const secret of [ISSUED, IDENTITY_HEADER]) expect(daemon.stderr()).not.toContain(secret);
  }, 60_000);

  it('a token endpoint that refuses is logged once a minute, not once per retry, and the daemon keeps running', async () => {
    rig = await startRig();
    endpoint = await startTokenEndpoint({ status: 400, lifetimeS: 3600 });
    daemon = runDaemonCli(rig, azureConfig(rig), childEnv(endpoint));
    await until(() => endpoint!.requests.length >= 3, 'three token attempts', 20_000);
    expect(daemon.child.exitCode).toBeNull();
    const failures = daemon.stderr().split('\n').filter((l) => l.includes('"event":"source.token_failed"'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`no Entra ID token for ${FOUNDRY_SCOPE}`);
    expect(failures[0]).not.toContain('\\n');
    // One line that names what was tried and what to do.
    for (const words of ['workload identity', 'managed identity', 'Azure CLI', '`az login`', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE']) expect(failures[0]).toContain(words);
    await stopCleanly(daemon);
    expect(daemon.stderr()).not.toContain(IDENTITY_HEADER);
  }, 60_000);
});

describe('the token cache', () => {
  function fakeCredential(lifetimeMs: () => number, clock: { now: number }) {
    let n = 0;
    let fail = false;
    return {
      calls: () => n,
      failFromNowOn: () => (fail = true),
      credential: {
        getToken() {
          n += 1;
          if (fail) return Promise.reject(new Error('ManagedIdentityCredential: Authentication failed.\nMore lines\nand more'));
          return Promise.resolve({ token: `t${n}`, expiresOnTimestamp: clock.now + lifetimeMs() });
        },
      },
    };
  }

  it('caches, renews in the background ahead of expiry, single-flights, and fails clearly once expired', async () => {
    const clock = { now: 1_000_000 };
    const fake = fakeCredential(() => 3_600_000, clock);
    const tokens = createAzureTokenProvider({ credential: () => fake.credential, now: () => clock.now });
    const signal = new AbortController().signal;
    expect(await Promise.all([tokens.getToken(signal), tokens.getToken(signal)])).toEqual(['t1', 't1']);
    expect(fake.calls()).toBe(1);
    clock.now += 54 * 60_000; // 6 minutes left: not yet in the 5-minute window
    expect(await tokens.getToken(signal)).toBe('t1');
    expect(fake.calls()).toBe(1);
    clock.now += 2 * 60_000; // 4 minutes left: answer with t1 and renew behind it
    expect(await tokens.getToken(signal)).toBe('t1');
    await new Promise((r) => setImmediate(r));
    expect(fake.calls()).toBe(2);
    expect(await tokens.getToken(signal)).toBe('t2');

    fake.failFromNowOn();
    clock.now += 61 * 60_000; // t2 expired
    const error = await tokens.getToken(signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect((error as Error).message).toBe(
      `no Entra ID token for ${FOUNDRY_SCOPE}: tried ${CREDENTIALS_TRIED}; none gave one (ManagedIdentityCredential: Authentication failed.). Fix: ${AZURE_AUTH_FIX}`,
    );
  });
});
