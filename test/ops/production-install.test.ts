/**
 * What the Docker image does, without a Docker engine: compile, `npm pack` (so package.json
 * `files` is what ships), install the tarball with production dependencies only and no
 * scripts (the Dockerfile's runtime stage), then `validate` and a short `run` against the
 * Foundry emulator and the OTLP receiver as a non-root user, and the Dockerfile's own
 * HEALTHCHECK command against that daemon. Every bare import in the shipped JavaScript must be
 * a Node built-in or a production dependency, so a runtime import of a devDependency fails
 * here even on a code path the short run does not reach.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { nodeVersionProblem } from '../../src/cli/node-version.ts';
import { ROOT } from '../helpers/cli.ts';
import { TOKEN, foundryConfigYaml, startRig, type Rig } from '../helpers/harness.ts';
import { closedPort } from '../helpers/closed-port.ts';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r;
}

/** `node …` as the image runs it: non-root (when we are root), a clean environment. */
function nodeArgs(args: string[]): [string, string[]] {
  return asRoot
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, ...args]]
    : [process.execPath, args];
}
const imageEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, NODE_ENV: 'production', ...extra });

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

const work = mkdtempSync(join(tmpdir(), 'ale-image-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What npm pack ships, unpacked and installed with production dependencies only (steps 1 and 2). */
let app = '';

beforeAll(() => {
  // 1. Build and pack, like the build stage (type checks are `npm test`'s typecheck step).
  const stage = join(work, 'stage');
  mkdirSync(stage);
  for (const f of ['package.json', 'package-lock.json', 'README.md']) copyFileSync(join(ROOT, f), join(stage, f));
  cpSync(join(ROOT, 'config'), join(stage, 'config'), { recursive: true });
  // `npm run build`'s bundler, into the stage.
  sh(process.execPath, [join(ROOT, 'scripts/build.ts'), '--outDir', join(stage, 'dist')], ROOT);
  sh('npm', ['pack', '--ignore-scripts', '--pack-destination', work], stage);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;

  // 2. The runtime stage: unpack, production dependencies only, no scripts.
  app = join(work, 'app');
  mkdirSync(app);
  sh('tar', ['-xzf', join(work, tarball), '-C', app, '--strip-components=1'], work);
  copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
  sh('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], app);
}, 180_000);

describe('production install (what the Docker image runs)', () => {
  it('runs validate and run from a production-only install as a non-root user', async () => {
    // (Some devDependencies, like @opentelemetry/api, are also peers of production packages and get
    // installed anyway; the import scan below still refuses them unless they are declared.)
    for (const dev of ['typescript', 'vitest', 'eslint', 'node']) expect(existsSync(join(app, 'node_modules', dev)), `devDependency ${dev} installed`).toBe(false);
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'src'))).toBe(false);

    // 3. Every bare import of the shipped code resolves to a built-in or a production dependency.
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const offenders: string[] = [];
    for (const file of jsFiles(join(app, 'dist'))) {
      const text = readFileSync(file, 'utf8');
      // The minified bundle puts its static imports one after another on its first line (after the
      // hashbang), each after a line start or a `;`; dynamic ones may be anywhere.
      const statics = text.matchAll(/(?:^|;)(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*['"]([^'"./][^'"]*)['"]/gm);
      const dynamics = text.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.has(name)) offenders.push(`${file.slice(app.length + 1)}: ${spec}`);
      }
    }
    expect(offenders, 'runtime imports of packages that are not production dependencies').toEqual([]);

    // 4. The image's user owns only the storage volume; everything else is read-only to it. A config
    // without storage.dir (default ./data, from WORKDIR /app) must still land on the volume
    // (DESIGN §2: the container default is /var/lib/agent-log-exporter): the image links it there.
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toContain('ln -s /var/lib/agent-log-exporter /app/data');
    expect(dockerfile).toContain('VOLUME ["/var/lib/agent-log-exporter"]');
    const storage = join(work, 'var-lib');
    mkdirSync(storage);
    symlinkSync(storage, join(app, 'data'));
    sh('chmod', ['-R', 'a+rX', work], work);
    if (asRoot) chownSync(storage, NOBODY, NOBODY);

    rig = await startRig();
    const SESSION = { agent: 'support-agent', version: '4', id: 's_image' };
    const lines = generateLines(2000);
    rig.emulator.addSession(SESSION).append(...lines);
    const configPath = join(work, 'config.yaml');
    writeFileSync(
      configPath,
      foundryConfigYaml(rig, { session: SESSION })
        // No storage.dir: the default, as most users will leave it.
        .replace(`  dir: ${rig.dir}/data\n`, '')
        .replace('server: {listen: ""}', 'server: {listen: "127.0.0.1:0"}')
        .replace('log: {level: warn}', 'log: {level: info}'),
    );
    chmodSync(configPath, 0o644);
    const env = imageEnv({ FOUNDRY_TOKEN: TOKEN, AGENT_LOG_EXPORTER_CONFIG: configPath });
    const main = join(app, 'dist/main.js');

    const [vCmd, vArgs] = nodeArgs([main, 'validate']);
    const validate = spawnSync(vCmd, vArgs, { cwd: app, env, encoding: 'utf8', timeout: 30_000 });
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('source foundry-test (foundry)');

    // The Dockerfile's ENTRYPOINT, verbatim (its node flags too); `npm start` passes the same flags.
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toBe('/app/dist/main.js');
    const flags = entrypoint.slice(1, -1);
    expect(pkg.scripts.start).toBe(['node', ...flags, 'dist/main.js'].join(' '));
    // Which of Node's own modules the daemon loaded, written when it exits (an observer only).
    const loadedList = join(storage, 'loaded-modules.txt');
    const observer = join(work, 'loaded-modules.mjs');
    writeFileSync(observer, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(loadedList)}, process.moduleLoadList.join('\\n')));\n`, { mode: 0o644 });
    const [rCmd, rArgs] = nodeArgs([...flags, '--import', observer, main]);
    const daemon = spawn(rCmd, rArgs, { cwd: app, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    daemon.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    try {
      await rig.receiver.waitFor(lines.length, 30_000);
      expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
      // The Dockerfile's HEALTHCHECK, verbatim, pointed at this daemon's port.
      const url = /"event":"telemetry\.listening","url":"([^"]+)"/.exec(stderr)![1]!;
      const healthcheck = JSON.parse(/HEALTHCHECK[^\n]*\n\s*CMD (\[.*\])/.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))![1]!) as string[];
      expect(healthcheck[0]).toBe('node');
      const [hCmd, hArgs] = nodeArgs(healthcheck.slice(1));
      const probe = spawnSync(hCmd, hArgs, { env: imageEnv({ AGENT_LOG_EXPORTER_HEALTHCHECK_URL: `${url}/healthz` }), timeout: 10_000 });
      expect(probe.status).toBe(0);
      const down = spawnSync(hCmd, hArgs, { env: imageEnv({ AGENT_LOG_EXPORTER_HEALTHCHECK_URL: `http://127.0.0.1:${await closedPort()}/healthz` }), timeout: 10_000 });
      expect(down.status).toBe(1);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    // Issue 14: following Foundry and exporting over plain http needs neither TLS (node:https, ~9 MB
    // resident) nor undici (Node's internal one, ~13 MB, pulled in by node:http's ESM namespace;
    // the npm one by Hill90/Daytona/AgentBox only).
    const loaded = readFileSync(loadedList, 'utf8').split('\n');
    for (const heavy of ['https', 'tls', 'http2', 'internal/deps/undici/undici']) expect(loaded, heavy).not.toContain(`NativeModule ${heavy}`);
    expect(loaded).toContain('NativeModule http');
    expect(existsSync(join(storage, 'state.db'))).toBe(true);
    if (asRoot) expect(statSync(join(storage, 'state.db')).uid).toBe(NOBODY);
    expect(stderr).not.toContain(TOKEN);
  }, 120_000);
});

/** A `node` on this machine older than package.json's engines (the system's Node 20, say), if any. */
function olderNode(): string | undefined {
  const dirs = new Set([...(process.env.PATH ?? '').split(':'), '/usr/local/bin', '/usr/bin', '/bin']);
  for (const dir of dirs) {
    const bin = join(dir, 'node');
    if (dir === '' || !existsSync(bin)) continue;
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim().replace(/^v/, '');
    if (version && nodeVersionProblem(version, pkg.engines.node)) return bin;
  }
  return undefined;
}
const OLD_NODE = olderNode();

describe('install on PATH (README: npm install -g)', () => {
  // `npm install -g ./agent-log-exporter-*.tgz` lays the package out like this, after fetching its
  // production dependencies from the registry; the test installs the same unpacked tarball with
  // those dependencies already in place (tests never reach beyond 127.0.0.1).
  const prefix = join(work, 'global');
  const bin = (): string => join(prefix, 'bin', 'agent-log-exporter');
  const elsewhere = join(work, 'elsewhere');
  const exampleEnv = { FOUNDRY_TOKEN: 't0ken', FOUNDRY_RESOURCE: 'res', FOUNDRY_PROJECT: 'proj' };
  const cli = (args: string[], path: string): SpawnSyncReturns<string> =>
    spawnSync(bin(), args, { cwd: elsewhere, env: { PATH: path, HOME: work, ...exampleEnv }, encoding: 'utf8', timeout: 30_000 });

  beforeAll(() => {
    sh('npm', ['install', '-g', '--prefix', prefix, app, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], work);
    mkdirSync(elsewhere);
    copyFileSync(join(app, 'config/foundry.example.yaml'), join(elsewhere, 'my.yaml'));
  }, 120_000);

  it('puts agent-log-exporter on PATH; it runs from any directory on a Node of the engines range', () => {
    const path = `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`;
    const version = cli(['--version'], path);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const validate = cli(['validate', '--config', 'my.yaml'], path);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('my.yaml: OK');
  });

  it.skipIf(!OLD_NODE)(`on an older Node (${OLD_NODE ?? 'none on this machine'}) every command exits 2 with one line naming both versions`, () => {
    const path = `${join(prefix, 'bin')}:${dirname(OLD_NODE!)}:/usr/bin:/bin`;
    const found = spawnSync(OLD_NODE!, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    for (const args of [['--version'], ['--help'], ['validate', '--config', 'my.yaml'], ['run'], ['status'], ['tail'], ['checkpoints', 'list'], ['demo'], ['valdate']]) {
      const r = cli(args, path);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`agent-log-exporter: Node.js ${found} found (${OLD_NODE}), but agent-log-exporter needs Node.js ${pkg.engines.node}; install a newer Node (https://nodejs.org) or put one first on PATH.\n`);
    }
  });
  if (!OLD_NODE) it.skip('no Node older than the engines range on this machine: the version guard is checked only where there is one', () => undefined);
});

describe('in a checkout, without installing (README: npx agent-log-exporter …)', () => {
  it('npx runs the checkout\'s own command on node_modules\' Node, whatever Node the PATH has', () => {
    // A checkout as `npm ci` leaves it (its node_modules are this one's); npx builds dist/ through
    // the prepare script on first use. npm's cache is the test's own, so nothing is fetched or shared.
    const checkout = join(work, 'checkout');
    mkdirSync(checkout);
    for (const f of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json']) copyFileSync(join(ROOT, f), join(checkout, f));
    for (const d of ['config', 'scripts', 'src']) cpSync(join(ROOT, d), join(checkout, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    // The user's PATH: no node_modules/.bin of ours in it (the machine's Node may be older).
    const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules')).join(':');
    const r = spawnSync('npx', ['--offline', 'agent-log-exporter', 'validate', '--config', 'config/foundry.example.yaml'], {
      cwd: checkout,
      env: { PATH: path, HOME: work, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false', FOUNDRY_TOKEN: 't0ken', FOUNDRY_RESOURCE: 'res', FOUNDRY_PROJECT: 'proj' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('config/foundry.example.yaml: OK');
  }, 150_000);
});
