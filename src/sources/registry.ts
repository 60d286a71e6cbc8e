/**
 * The one table of platforms: a new platform is a folder under src/sources/ with a descriptor,
 * and one line here (docs/ADDING-A-PLATFORM.md). The config union, config/schema.json,
 * docs/CONFIG.md, the help text, secret redaction and the reserved attribute keys are all
 * derived from this list. `create` is the only place a source starts doing I/O.
 */
import type { z } from 'zod';
import { agentbox } from './agentbox/descriptor.ts';
import { daytona } from './daytona/descriptor.ts';
import { foundry } from './foundry/descriptor.ts';
import { hill90 } from './hill90/descriptor.ts';
import type { PlatformDescriptor } from './platform.ts';
import type { Source, SourceDeps } from './types.ts';

export const PLATFORMS = [foundry, hill90, daytona, agentbox] as const;

/** The config of a source of any platform. */
export type SourceConfig = z.output<(typeof PLATFORMS)[number]['config']>;

export type { SourceDeps };

export function availableTypes(): string[] {
  return PLATFORMS.map((p) => p.type);
}

/** The descriptor of a `type:` value, if this build has it. */
export function platformOf(type: string): PlatformDescriptor | undefined {
  return (PLATFORMS as readonly PlatformDescriptor[]).find((p) => p.type === type);
}

/**
 * Create a platform's source; nothing here does I/O yet. A factory that throws is reported by
 * preflight as a problem of that source (exit 2): the schema admits only what the registry has.
 */
export function createSource(config: SourceConfig, deps: SourceDeps): Source {
  const platform = platformOf(config.type);
  if (!platform) throw new Error(`no platform "${config.type}" in the registry`);
  return platform.create(config, deps);
}
