// The measured programs, each started as its own process: the daemon (the built
// CLI, as installed) and the naive SDK pipeline in its two configurations.
import { execFileSync, execSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { BENCH_AGENT, BENCH_TOKEN, BENCH_VERSION } from './fast-foundry.ts';

export type ProgramName = 'daemon' | 'naive-default' | 'naive-tuned' | 'daemon-processing-off';
/** What `npm run bench` runs by default. */
export const PROGRAMS: readonly ProgramName[] = ['daemon', 'naive-default', 'naive-tuned'];
/**
 * Every program `--program` can name: also the daemon with processing off (`multiline: none,
 * parse: none, redact: {builtin: false}`), the baseline of the processing defaults' cost (issue 13).
 */
export const ALL_PROGRAMS: readonly ProgramName[] = [...PROGRAMS, 'daemon-processing-off'];

const PROCESSING_OFF = 'processing: {multiline: none, parse: none, redact: {builtin: false}}\n';

const ROOT = new URL('..', import.meta.url).pathname;
/** Gitignored; inside the repository so the naive program resolves node_modules. */
const WORK = join(ROOT, '.bench');

/** The built CLI: dist/ of the working tree (npm run build), or of HEAD (buildCommitted). */
let daemonMain = join(ROOT, 'dist', 'main.js');

/** npm run build: dist/ of the working tree. */
export function buildWorkingTree(): void {
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  daemonMain = join(ROOT, 'dist', 'main.js');
}

/**
 * Builds the committed code (HEAD) apart from the working tree, where other work may be
 * half done: git archive → .bench/head → its own scripts/build.ts. Its figures are those of a commit.
 */
export function buildCommitted(): void {
  const head = join(WORK, 'head');
  rmSync(head, { recursive: true, force: true });
  mkdirSync(head, { recursive: true });
  execSync(`git archive HEAD src scripts package.json | tar -x -C ${JSON.stringify(head)}`, { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [join(head, 'scripts', 'build.ts')], { stdio: 'inherit' });
  daemonMain = join(head, 'dist', 'main.js');
}

export interface Target {
  foundryUrl: string;
  otlpUrl: string;
  /** One named session, or every session of the agent. */
  session?: string;
  spool: boolean;
  /** Per-run scratch directory (daemon config and data). */
  dir: string;
}

export interface Running {
  child: ChildProcess;
  /** The last lines the program wrote to stdout/stderr, for a failed run's report. */
  tail(): string;
}

/** The naive program as plain JS: Node's type stripper would add its own memory to the naive figures. */
export function prepareNaive(): string {
  mkdirSync(WORK, { recursive: true });
  const out = join(WORK, 'naive-sdk.js');
  const source = readFileSync(join(ROOT, 'bench', 'naive-sdk.ts'), 'utf8');
  writeFileSync(out, stripTypeScriptTypes(source));
  return out;
}

/**
 * The node flags of the Dockerfile's ENTRYPOINT (`npm start` has the same): the daemon is
 * measured as the image runs it.
 */
function entrypointFlags(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
  if (!entrypoint) throw new Error('Dockerfile: no ENTRYPOINT ["node", …] line');
  const argv = JSON.parse(entrypoint[1]!) as string[];
  return argv.slice(1).filter((a) => a.startsWith('-'));
}

function nodeArgs(variable: string): string[] {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

function daemonConfig(t: Target, extra = ''): string {
  const source = t.session
    ? `    version: "${BENCH_VERSION}"\n    session: ${t.session}\n`
    : '';
  return `sources:
  - name: bench
    type: foundry
    endpoint: ${t.foundryUrl}
    agent: ${BENCH_AGENT}
${source}    auth: {type: bearer, token: ${BENCH_TOKEN}}
exporter: {endpoint: ${t.otlpUrl}}
storage: {dir: ${t.dir}/data, spool: {enabled: ${t.spool}}}
server: {listen: ""}
log: {level: warn}
${extra}`;
}

export function startProgram(name: ProgramName, t: Target, naiveJs: string): Running {
  let args: string[];
  if (name === 'daemon' || name === 'daemon-processing-off') {
    const config = join(t.dir, 'config.yaml');
    // BENCH_MEMORY_LIMIT=128MiB runs the daemon with that memory_limit.
    const memoryLimit = process.env.BENCH_MEMORY_LIMIT ? `memory_limit: ${process.env.BENCH_MEMORY_LIMIT}\n` : '';
    writeFileSync(config, daemonConfig(t, (name === 'daemon-processing-off' ? PROCESSING_OFF : '') + memoryLimit));
    // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench/prof" profiles the daemon.
    args = [...entrypointFlags(), ...nodeArgs('BENCH_NODE_ARGS'), daemonMain, 'run', '--config', config];
  } else {
    args = [...nodeArgs('BENCH_NAIVE_NODE_ARGS'), naiveJs, '--endpoint', t.foundryUrl, '--agent', BENCH_AGENT, '--token', BENCH_TOKEN, '--otlp', t.otlpUrl];
    if (t.session) args.push('--version', BENCH_VERSION, '--session', t.session);
    if (name === 'naive-tuned') args.push('--tuned');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: t.dir });
  let tail = '';
  // BENCH_OUTPUT=file keeps everything the program wrote (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const output = process.env.BENCH_OUTPUT;
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
    if (output) appendFileSync(output, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, tail: () => tail };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopProgram(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
