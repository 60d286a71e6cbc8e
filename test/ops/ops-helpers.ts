/** Shared by the operations tests: the rig and CLI of a test, the daemon's telemetry URL, scrapes, Prometheus text. */
import { writeFileSync } from 'node:fs';
import { afterEach, expect } from 'vitest';
import { foundryConfigYaml, type FoundryConfigOptions, type Rig } from '../helpers/harness.ts';
import { spawnCli, type Spawned } from '../helpers/cli.ts';
import { until } from '../helpers/until.ts';

/** A test's rig and real CLI; set them as the test goes. */
export interface OpsFixture {
  rig: Rig | undefined;
  daemon: Spawned | undefined;
}

/** After each test, whatever happened: the CLI is killed (-9) and the rig closed. */
export function useOpsFixture(): OpsFixture {
  const fixture: OpsFixture = { rig: undefined, daemon: undefined };
  afterEach(async () => {
    fixture.daemon?.child.kill('SIGKILL');
    await fixture.rig?.close();
    fixture.rig = fixture.daemon = undefined;
  });
  return fixture;
}

/** Writes `yaml` where the rig keeps its config and starts the real CLI's `run` on it. */
export function runDaemonCli(rig: Rig, yaml: string, env: Record<string, string>): Spawned {
  writeFileSync(rig.configPath, yaml);
  return spawnCli(['run', '--config', rig.configPath], env);
}

/** SIGTERM; the daemon must exit 0. Returns everything it logged. */
export async function stopCleanly(daemon: Spawned): Promise<string> {
  daemon.child.kill('SIGTERM');
  expect((await daemon.exited).code, daemon.stderr()).toBe(0);
  return daemon.stderr();
}

/** The harness config with the telemetry server on a free loopback port and the given log level. */
export function opsConfigYaml(rig: Rig, o: FoundryConfigOptions & { level?: string }): string {
  return foundryConfigYaml(rig, o)
    .replace('server: {listen: ""}', 'server: {listen: "127.0.0.1:0"}')
    .replace('log: {level: warn}', `log: {level: ${o.level ?? 'info'}}`);
}

/** No secret (name → value) appears in any place (name → text the daemon exposed). */
export function expectNoSecrets(secrets: Record<string, string>, places: Record<string, string>): void {
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [place, text] of Object.entries(places)) expect(text, `${name} in ${place}`).not.toContain(secret);
  }
}

/** The URL the daemon logged in its `telemetry.listening` line. */
export async function telemetryUrl(daemon: Spawned): Promise<string> {
  let url: string | undefined;
  await until(() => {
    url = /"event":"telemetry\.listening","url":"([^"]+)"/.exec(daemon.stderr())?.[1];
    return url !== undefined || daemon.child.exitCode !== null;
  }, 'the telemetry.listening log line');
  if (!url) throw new Error(`daemon exited: ${daemon.stderr()}`);
  return url;
}

export async function get(url: string): Promise<{ status: number; text: string; contentType: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
}

/** `name{a="x",b="y"}` → value, from Prometheus text exposition. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)$/.exec(line);
    if (m) out.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

/** Sum of a metric over every label set that contains all of `labels`. */
export function sample(metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const [key, value] of metrics) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) {
      sum += value;
      found = true;
    }
  }
  return found ? sum : NaN;
}
