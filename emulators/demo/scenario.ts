/**
 * A platform's part in the demo: its emulator, the source a user would write for it, and its
 * scripted agents. Each platform keeps it beside its emulator (emulators/<type>/demo-scenario.ts),
 * and the demo finds them through the registry, so a new platform adds its scenario without
 * touching the demo (docs/ADDING-A-PLATFORM.md).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PLATFORMS } from '../../src/sources/registry.ts';
import type { Activity } from './activity.ts';

export interface DemoScenario {
  /** The source's name in the demo config (its service.name). */
  source: string;
  /** The variable that holds the credential the emulator demands. */
  secret: string;
  /** Start the emulator, demanding `credential`. */
  start(credential: string): Promise<RunningScenario>;
}

export interface RunningScenario {
  /** The address the screen shows. */
  url: string;
  /**
   * The source's entry in the config's `sources:` list (YAML, each line indented by two spaces),
   * its credential written as `credentialRef`.
   */
  sourceYaml(credentialRef: string): string;
  startActivity(): Activity;
  close(): Promise<void>;
}

export interface LoadedScenario extends DemoScenario {
  platform: string;
}

/** Every registered platform that has a demo scenario, in the registry's order. */
export async function loadScenarios(): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  for (const { type } of PLATFORMS) {
    const file = new URL(`../${type}/demo-scenario.ts`, import.meta.url);
    if (!existsSync(fileURLToPath(file))) continue;
    const { demoScenario } = (await import(file.href)) as { demoScenario: DemoScenario };
    loaded.push({ ...demoScenario, platform: type });
  }
  return loaded;
}

/** A YAML scalar for any string: plain when that is safe (URLs, paths), else double-quoted; never a `${…}` reference. */
export function quoted(value: string): string {
  if (/^[A-Za-z0-9_./:@%+~-]+$/.test(value) && !/^[-:]/.test(value)) return value;
  return JSON.stringify(value.replaceAll('${', '$${'));
}
