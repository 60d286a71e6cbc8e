/**
 * The real CLI as a user meets it: exit codes, one-paragraph errors without stack traces,
 * every config problem with file, line, key path and a hint, secrets never echoed,
 * checkpoints list/reset, and a graceful SIGTERM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { VERSION } from '../../src/version.ts';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { TOKEN, startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';
import { closedPort } from '../helpers/closed-port.ts';

const dir = mkdtempSync(join(tmpdir(), 'ale-cli-'));
const SECRET = 'sk-live-9c1e2b7d4a';
const FOUNDRY = `sources:
  - name: support
    type: foundry
    endpoint: https://r.services.ai.azure.com/api/projects/p
    agent: bot
    auth: {type: bearer, token: ${SECRET}}
`;

/** [name, yaml, expected line:col, expected key path, a word of the hint]. */
const BROKEN: [string, string, string, string, string][] = [
  ['unknown key', FOUNDRY + 'exporter:\n  endpont: http://x:4318/v1/logs\n', '8:3', 'exporter.endpont', 'did you mean "endpoint"'],
  ['duration without a unit', FOUNDRY + 'exporter:\n  timeout: 10\n', '8:12', 'exporter.timeout', 'write 10s or 10ms'],
  ['platform attribute in source attributes', FOUNDRY + '    attributes: {log.iostream: forced}\n', '7:18', 'sources[0].attributes["log.iostream"]', 'choose a key of your own'],
  ['bad duration', FOUNDRY + 'exporter:\n  timeout: 10 seconds\n', '8:12', 'exporter.timeout', '500ms'],
  ['bad size', FOUNDRY + 'storage:\n  spool: {max_bytes: 512M}\n', '8:22', 'storage.spool.max_bytes', 'MiB'],
  ['wrong enum', FOUNDRY + 'log: {level: loud}\n', '7:14', 'log.level', 'one of'],
  ['missing sources', 'log: {level: info}\n', '1:1', 'sources', 'add at least one source'],
  ['empty sources', 'sources: []\n', '1:10', 'sources', 'add at least one source'],
  ['duplicate names', FOUNDRY + FOUNDRY.replace('sources:\n', ''), '7:5', 'sources[1].name', 'unique'],
  ['invalid name', FOUNDRY.replace('name: support', 'name: Support Agent'), '2:11', 'sources[0].name', 'lowercase'],
  ['session without version', FOUNDRY + '    session: s_1\n', '7:5', 'sources[0].session', 'version'],
  ['unset env var', FOUNDRY.replace(SECRET, '${env:ALE_TEST_UNSET_TOKEN}'), '6:33', 'sources[0].auth.token', 'ALE_TEST_UNSET_TOKEN'],
  ['yaml syntax', FOUNDRY + 'exporter: {endpoint: http://x\n', '8:1', '', 'YAML syntax'],
  ['unknown source type', FOUNDRY.replace('type: foundry', 'type: foundy'), '3:11', 'sources[0].type', 'foundry'],
  ['secret of the wrong type', FOUNDRY.replace(`token: ${SECRET}`, `token: [${SECRET}]`), '6:33', 'sources[0].auth.token', ''],
  ['bad endpoint URL', FOUNDRY + 'exporter: {endpoint: "localhost:4318"}\n', '7:22', 'exporter.endpoint', ''],
];

describe('config errors', () => {
  for (const [name, yaml, position, path, hint] of BROKEN) {
    it(`${name}: exit 2 with line, key path and hint, no stack trace, no secret`, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, yaml);
      for (const command of ['validate', 'run']) {
        const result = runCli([command, '--config', file]);
        expect(result.status, result.stderr).toBe(2);
        expect(result.stderr).toContain(`${file}:${position}`);
        if (path) expect(result.stderr).toContain(`  ${path}  `);
        if (hint) expect(result.stderr).toMatch(new RegExp(`\\(.*${hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
        expect(result.stderr + result.stdout).not.toContain(SECRET);
        expect(result.stdout).toBe('');
      }
    });
  }

  it('a missing config file is one clear problem (exit 2)', () => {
    const result = runCli(['validate', '--config', join(dir, 'nope.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.yaml');
    expect(result.stderr.split('\n').length).toBeLessThan(5);
  });
});

describe('commands', () => {
  it('--help and --version work everywhere', () => {
    for (const [args, text] of [[['--help'], 'validate  '], [['run', '--help'], 'agent-log-exporter [run]'], [['checkpoints', '--help'], 'agent-log-exporter checkpoints list']] as const) {
      const r = runCli([...args]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(text);
    }
    expect(runCli(['--version']).stdout.trim()).toBe(VERSION);
    expect(runCli(['validate', '-v']).stdout.trim()).toBe(VERSION);
  });

  it('bad usage exits 2 in one paragraph', () => {
    for (const args of [['frobnicate'], ['run', '--nope'], ['checkpoints', 'drop']]) {
      const r = runCli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^agent-log-exporter: /);
      expect(r.stderr).toContain('--help');
    }
  });

  it('validate prints a summary without secrets; the config path may come from the environment', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, FOUNDRY + 'exporter:\n  endpoint: https://user:hunter2-pass@otel.example.com/v1/logs\n  headers: {authorization: "Basic c2VjcmV0LWhlYWRlcg=="}\n');
    const r = runCli(['validate'], { AGENT_LOG_EXPORTER_CONFIG: file });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('source support (foundry)');
    for (const secret of [SECRET, 'hunter2-pass', 'c2VjcmV0LWhlYWRlcg==']) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('validate and run agree: an unreadable TLS file is exit 2 for both; auth azure validates', () => {
    const tlsFile = join(dir, 'tls.yaml');
    writeFileSync(tlsFile, FOUNDRY + `exporter:\n  tls: {ca_file: ${dir}/missing-ca.pem}\nstorage: {dir: ${dir}/tls}\nserver: {listen: ""}\n`);
    for (const command of ['validate', 'run']) {
      const tls = runCli([command, '--config', tlsFile]);
      expect(tls.status, tls.stderr).toBe(2);
      expect(tls.stderr).toMatch(/tls\.yaml:8:\d+ {2}exporter\.tls\.ca_file {2}cannot read ".*missing-ca\.pem" \(ENOENT\) {2}\(check the path/);
    }
    // Entra ID auth exists now (test/ops/azure-auth.test.ts runs it against a loopback token endpoint).
    const azureFile = join(dir, 'azure.yaml');
    writeFileSync(azureFile, FOUNDRY.replace(`auth: {type: bearer, token: ${SECRET}}`, 'auth: {type: azure}') + `storage: {dir: ${dir}/az}\nserver: {listen: ""}\n`);
    const azure = runCli(['validate', '--config', azureFile]);
    expect(azure.status, azure.stderr).toBe(0);
  });

  it('the shipped example configs pass validate', () => {
    const env = { FOUNDRY_TOKEN: 't0ken', FOUNDRY_RESOURCE: 'res', FOUNDRY_PROJECT: 'proj' };
    for (const example of ['config/foundry.example.yaml', 'config/agent-log-exporter.example.yaml']) {
      const r = runCli(['validate', '--config', example], env);
      expect(r.status, `${example}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('run, signals and checkpoints with the real CLI', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('keeps running while the platform is unreachable, survives SIGHUP, and stops on SIGTERM with exit 0', async () => {
    const file = join(dir, 'unreachable.yaml');
    // A port just closed on loopback: nothing listens, every connect is refused.
    const port = await closedPort();
    writeFileSync(
      file,
      `sources:\n  - {name: gone, type: foundry, endpoint: "http://127.0.0.1:${port}/api/projects/p", agent: a, version: "1", session: s, auth: {type: bearer, token: ${SECRET}}}\nexporter: {endpoint: "http://user:hunter2-pass@127.0.0.1:${port}/v1/logs"}\nstorage: {dir: ${dir}/unreachable}\nserver: {listen: ""}\nlog: {level: info}\n`,
    );
    const daemon = spawnCli(['run', '--config', file]);
    // Signals sent before the daemon has started would meet Node's default action instead of its handlers.
    await until(() => daemon.stderr().includes('"event":"daemon.started"'), 'daemon.started', 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(daemon.child.exitCode).toBeNull();
    daemon.child.kill('SIGHUP');
    // The reload finishes when it says so (a fixed wait was too short on a busy machine).
    await until(() => daemon.stderr().includes('"event":"config.reloaded"'), 'config.reloaded', 20_000);
    await until(() => daemon.stderr().includes('stream.reconnect'), 'stream.reconnect', 20_000);
    expect(daemon.child.exitCode).toBeNull();
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    expect(daemon.stderr()).toContain('stream.reconnect');
    // SIGHUP reloads the (unchanged) config: nothing restarted (test/ops/reload.test.ts covers changes).
    expect(daemon.stderr()).toMatch(/"event":"config\.reloaded","added":\[\],"removed":\[\],"restarted":\[\],"unchanged":1/);
    expect(daemon.stderr()).not.toContain(SECRET);
    expect(daemon.stderr()).not.toContain('hunter2-pass');
    expect(daemon.stderr()).toContain('"event":"daemon.started"');
  });

  it('SIGTERM stops within shutdown_timeout with exit 0, keeps what was not delivered in the spool, and the next run sends it', async () => {
    rig = await startRig();
    const SESSION = { agent: 'a', version: '1', id: 's_term' };
    const session = rig.emulator.addSession(SESSION);
    const lines = generateLines(2000);
    session.append(...lines);
    writeConfig(rig, { session: SESSION });
    // The endpoint is down during the first run.
    rig.receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    const first = spawnCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    await until(() => first.stderr().includes('"event":"export.retry"'), 'a failed export', 20_000);
    const stopAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit.code, first.stderr()).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5000 + 2000);
    expect(first.stderr()).not.toContain(TOKEN);

    // checkpoints needs no secrets: FOUNDRY_TOKEN is not set here.
    const list = runCli(['checkpoints', 'list', '--config', rig.configPath]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('foundry-test/a/s_term');

    rig.receiver.reset();
    const second = spawnCli(['run', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    await rig.receiver.waitFor(lines.length, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));

    const reset = runCli(['checkpoints', 'reset', 'foundry-test', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN });
    expect(reset.status).toBe(0);
    expect(reset.stdout).toContain('removed 1 checkpoint');
    expect(runCli(['checkpoints', 'list', '--config', rig.configPath], { FOUNDRY_TOKEN: TOKEN }).stdout).toContain('no checkpoints yet');
  });
});
