/**
 * The four emulated platforms of the demo, each with a fresh random credential it demands
 * (as the real platform would), and their scripted activity.
 */
import { randomBytes } from 'node:crypto';
import { startAgentboxEmulator } from '../agentbox.ts';
import { startDaytonaEmulator } from '../daytona.ts';
import { startFoundryEmulator } from '../foundry.ts';
import { startHill90Emulator } from '../hill90.ts';
import type { Activity } from './activity.ts';
import { startAgentboxActivity } from './activity-agentbox.ts';
import { startDaytonaActivity } from './activity-daytona.ts';
import { startFoundryActivity } from './activity-foundry.ts';
import { startHill90Activity } from './activity-hill90.ts';
import { DEMO_SOURCES, type DemoConfigOptions, type Platform } from './config.ts';

export interface Platforms {
  /** The endpoints the config points at. */
  endpoints: Omit<DemoConfigOptions, 'otlpEndpoint' | 'storageDir'>;
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
  const secrets = Object.fromEntries(DEMO_SOURCES.map((s) => [s.secret, secret(s.platform)]));
  const bySecret = (platform: Platform): string => secrets[DEMO_SOURCES.find((s) => s.platform === platform)!.secret]!;
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(closers.map((c) => c().catch(() => undefined)));
  };
  try {
    const foundry = await startFoundryEmulator({ token: bySecret('foundry') });
    closers.push(() => foundry.close());
    const hill90 = await startHill90Emulator({ token: bySecret('hill90') });
    closers.push(() => hill90.close());
    const daytona = await startDaytonaEmulator({ apiKey: bySecret('daytona') });
    closers.push(() => daytona.close());
    const agentbox = await startAgentboxEmulator({ apiKey: bySecret('agentbox') });
    closers.push(() => agentbox.close());
    return {
      endpoints: { foundryEndpoint: foundry.url, hill90Endpoint: hill90.url, daytonaApiUrl: daytona.apiUrl, agentboxEndpoint: agentbox.url },
      secrets,
      urls: { foundry: foundry.url, hill90: hill90.url, daytona: daytona.apiUrl, agentbox: `${agentbox.url}/v1` },
      startActivity() {
        const all = [startFoundryActivity(foundry), startHill90Activity(hill90), startDaytonaActivity(daytona), startAgentboxActivity(agentbox)];
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
