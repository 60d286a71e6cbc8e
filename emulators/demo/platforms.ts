/**
 * The demo's emulated platforms — every registered platform with a demo scenario — each with a
 * fresh random credential it demands (as the real platform would), and their scripted activity.
 */
import { randomBytes } from 'node:crypto';
import type { Activity } from './activity.ts';
import { credentialRef, DEMO_SCENARIOS, type DemoConfigOptions, type Platform } from './config.ts';
import type { RunningScenario } from './scenario.ts';

export interface Platforms {
  /** What the config needs from the running emulators. */
  endpoints: Pick<DemoConfigOptions, 'sourcesYaml'>;
  /** Credential variables → values, for the config's `${env:…}`. */
  secrets: Record<string, string>;
  /** Each emulator's address, for the screen. */
  urls: Record<Platform, string>;
  /** Starts every platform's activity at once. */
  startActivity(): Activity;
  close(): Promise<void>;
}

const secret = (platform: string): string => `demo-${platform}-${randomBytes(12).toString('hex')}`;

export async function startPlatforms(): Promise<Platforms> {
  const secrets = Object.fromEntries(DEMO_SCENARIOS.map((s) => [s.secret, secret(s.platform)]));
  const running: RunningScenario[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(running.map((r) => r.close().catch(() => undefined)));
  };
  try {
    for (const scenario of DEMO_SCENARIOS) running.push(await scenario.start(secrets[scenario.secret]!));
    return {
      endpoints: { sourcesYaml: running.map((r, i) => r.sourceYaml(credentialRef(DEMO_SCENARIOS[i]!.secret))).join('') },
      secrets,
      urls: Object.fromEntries(DEMO_SCENARIOS.map((s, i) => [s.platform, running[i]!.url])),
      startActivity() {
        const all = running.map((r) => r.startActivity());
        return {
          get appended() {
            return all.reduce((n, a) => n + a.appended, 0);
          },
          async stop() {
            await Promise.all(all.map((a) => a.stop()));
          },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
