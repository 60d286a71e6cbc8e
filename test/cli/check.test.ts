/**
 * `validate --check` with the real CLI against the emulators of all four platforms and the
 * loopback OTLP receiver: everything works (exit 0, a verdict per source), then a refused
 * platform credential and a receiver that says 401 (exit 1, each named, no secret printed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfigYaml, DEMO_SOURCES } from '../../emulators/demo/config.ts';
import { startPlatforms, type Platforms } from '../../emulators/demo/platforms.ts';
import type { Activity } from '../../emulators/demo/activity.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../emulators/otlp-receiver.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { closedPort } from '../helpers/closed-port.ts';

const dir = mkdtempSync(join(tmpdir(), 'ale-check-'));
let platforms: Platforms;
let activity: Activity;
let receiver: OtlpReceiver;
let configPath: string;

beforeAll(async () => {
  platforms = await startPlatforms();
  receiver = await startOtlpReceiver();
  activity = platforms.startActivity();
  configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, demoConfigYaml({ ...platforms.endpoints, otlpEndpoint: receiver.url, storageDir: join(dir, 'data') }));
  // Give the agents a moment to start, so discovery has streams to list.
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

afterAll(async () => {
  await activity?.stop();
  await platforms?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('validate --check', () => {
  it('tries every source and the exporter once and says each works (exit 0); nothing is exported', async () => {
    const r = await runCliAsync(['validate', '--check', '--timeout', '8s', '--config', configPath], platforms.secrets);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const { name, platform } of DEMO_SOURCES) expect(r.stdout).toContain(`source ${name} (${platform}): works`);
    expect(r.stdout).toMatch(/listing works: \d+ streams? to follow now/);
    expect(r.stdout).toMatch(/reading works: \S+ (connected|sent entries)/);
    expect(r.stdout).toContain(`exporter works: ${receiver.url}`);
    expect(r.stdout).toMatch(/everything works\n$/);
    // The empty request was accepted and carried no record.
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.records).toHaveLength(0);
    expect(receiver.decodeErrors).toBe(0);
  }, 30_000);

  it('names a refused platform credential and an endpoint that says 401 (exit 1), never printing a secret', async () => {
    receiver.respondWith([{ status: 401, body: 'unauthorized: bad api key' }]);
    const wrong = 'wrong-hill90-token-7c1d2e';
    const env = { ...platforms.secrets, HILL90_TOKEN: wrong };
    const r = await runCliAsync(['validate', '--check', '--timeout', '8s', '--config', configPath], env);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('source hill90-agents (hill90): DOES NOT WORK');
    expect(r.stdout).toMatch(/hill90[^\n]*\n(\s+[^\n]*\n)*?\s+(listing|reading [^\n]*): credentials refused \(401\)/);
    expect(r.stdout).toContain('source daytona-ci (daytona): works');
    expect(r.stdout).toMatch(/exporter [^\n]*: credentials refused \(401; check exporter\.headers\)/);
    expect(r.stdout).toMatch(/not working: hill90-agents, the exporter\n$/);
    for (const secret of [wrong, ...Object.values(platforms.secrets)]) expect(r.stdout + r.stderr).not.toContain(secret);
  }, 30_000);

  it('an unreachable endpoint is named as such; a bad config is still exit 2 before anything connects', async () => {
    const unreachable = join(dir, 'unreachable.yaml');
    const port = await closedPort();
    writeFileSync(unreachable, demoConfigYaml({ ...platforms.endpoints, otlpEndpoint: `http://127.0.0.1:${port}/v1/logs`, storageDir: join(dir, 'data') }));
    const r = await runCliAsync(['validate', '--check', '--timeout', '8s', '--config', unreachable], platforms.secrets);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`exporter http://127.0.0.1:${port}/v1/logs (http/protobuf): unreachable (connection_refused)`);

    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'sources: []\n');
    const bad = await runCliAsync(['validate', '--check', '--config', broken]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
  }, 30_000);
});
