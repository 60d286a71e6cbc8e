/**
 * The Docker walkthrough without a Docker engine. The build stage is replayed: exactly the files
 * its COPY lines name (none of them excluded by .dockerignore) go into an empty directory, where
 * its build command runs, and every relative import of the output must resolve inside it (code
 * that reaches outside what was copied, like the emulators, would be missing from the image). The
 * README's commands are checked against the Dockerfile: the config mount is where the image looks
 * for it, the state volume is the image's VOLUME, the tag built is the tag run, pushed and named
 * by the Kubernetes manifests. test/ops/production-install.test.ts runs the runtime stage.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'ale-docker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The build stage's `COPY src… dest` lines (not `--from`), as [sources, dest]. */
function buildCopies(): [string[], string][] {
  const build = dockerfile.slice(0, dockerfile.indexOf('\nFROM ', dockerfile.indexOf('FROM ') + 1));
  return [...build.matchAll(/^COPY (?!--)(.+)$/gm)].map((m) => {
    const parts = m[1]!.trim().split(/\s+/);
    return [parts.slice(0, -1), parts.at(-1)!];
  });
}

/**
 * .dockerignore as a predicate: its plain names, `*.ext` patterns and `!` exceptions (all it
 * uses), the last matching line deciding, as Docker reads it.
 */
function ignored(path: string): boolean {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let excluded = false;
  for (const line of lines) {
    const pattern = line.replace(/^!/, '');
    const matches = pattern.startsWith('*.') ? path.endsWith(pattern.slice(1)) : path === pattern || path.startsWith(`${pattern}/`);
    if (matches) excluded = !line.startsWith('!');
  }
  return excluded;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/** The README's shell blocks in the Docker section, joined (line continuations undone). */
function walkthrough(): string {
  const section = readme.slice(readme.indexOf('## Docker'), readme.indexOf('\n## ', readme.indexOf('## Docker') + 1));
  return [...section.matchAll(/```sh\n([^]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, '')).join('\n');
}

describe('the Docker walkthrough', () => {
  it('the build stage compiles from exactly what it copies, and the output imports nothing outside it', () => {
    const context = join(work, 'context');
    const copies = buildCopies();
    expect(copies.length).toBeGreaterThan(0);
    for (const [sources, dest] of copies) {
      for (const source of sources) {
        expect(existsSync(join(ROOT, source)), `COPY ${source}: not in the repository`).toBe(true);
        expect(ignored(source), `COPY ${source}: excluded by .dockerignore`).toBe(false);
        const target = dest.endsWith('/') || sources.length > 1 ? join(context, dest, source.split('/').pop()!) : join(context, dest);
        cpSync(join(ROOT, source), target, { recursive: true });
      }
    }
    // npm ci's node_modules (the build stage installs every dependency): the repository's own.
    symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'));
    // The stage's build command (its first RUN after the sources are copied), run in the copy.
    const command = /^RUN (node \S+\.ts)/m.exec(dockerfile)?.[1];
    expect(command, 'the build stage runs `node <script>.ts`').toBeDefined();
    const [, script] = command!.split(' ');
    const built = spawnSync(process.execPath, [script!], { cwd: context, encoding: 'utf8', timeout: 120_000 });
    expect(built.status, `${built.stdout}${built.stderr}`).toBe(0);
    const dist = join(context, 'dist');
    expect(existsSync(join(dist, 'main.js'))).toBe(true);
    const missing: string[] = [];
    let imports = 0;
    for (const file of jsFiles(dist)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        imports += 1;
        const target = resolve(dirname(file), m[1]!);
        if (!existsSync(target)) missing.push(`${file.slice(dist.length + 1)} → ${m[1]}`);
      }
    }
    expect(imports, 'the chunks import each other').toBeGreaterThan(0);
    expect(missing, 'relative imports the image would not have').toEqual([]);
  }, 150_000);

  it('the README mounts the config where the image reads it and the state where its volume is', () => {
    const configPath = /AGENT_LOG_EXPORTER_CONFIG=(\S+)/.exec(dockerfile)![1]!;
    const volume = (JSON.parse(/^VOLUME (\[.*\])$/m.exec(dockerfile)![1]!) as string[])[0]!;
    const commands = walkthrough();
    const runs = commands.split('\n').filter((l) => l.startsWith('docker run'));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) expect(run).toMatch(new RegExp(`-v "\\$PWD/agent-log-exporter\\.yaml:${configPath}:ro"`));
    const daemon = runs.find((r) => r.includes(' -d '))!;
    expect(daemon).toMatch(new RegExp(`-v ale-state:${volume}( |$)`));
    expect(daemon).not.toMatch(/--no-healthcheck/);
    expect(commands).toMatch(/docker inspect -f '\{\{\.State\.Health\.Status\}\}'/);
  });

  it('the tag built is the tag run, pushed and named by the Kubernetes manifests', () => {
    const commands = walkthrough();
    const built = /^docker build -t (\S+) \.$/m.exec(commands)![1]!;
    for (const run of commands.split('\n').filter((l) => l.startsWith('docker run'))) expect(run).toMatch(new RegExp(`\\s${built.replaceAll('.', '\\.')}(\\s|$)`));
    const pushed = /^docker push (\S+)$/m.exec(commands)![1]!;
    expect(commands).toContain(`docker tag ${built} ${pushed}`);
    const manifests = readdirSync(join(ROOT, 'examples/kubernetes')).map((f) => readFileSync(join(ROOT, 'examples/kubernetes', f), 'utf8'));
    expect(manifests.length).toBeGreaterThan(0);
    for (const text of manifests) {
      const images = [...text.matchAll(/^\s+image: (\S*agent-log-exporter\S*)$/gm)].map((m) => m[1]);
      expect(images).toEqual([pushed]);
    }
  });
});
