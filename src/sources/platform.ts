/**
 * What a platform is to the rest of the daemon: one descriptor per `src/sources/<platform>/`,
 * listed once in registry.ts. Everything else that depends on the set of platforms — the config
 * union and config/schema.json, docs/CONFIG.md, the help text, the reserved attribute keys, which
 * config values are secrets — is derived from the descriptors, so adding a platform touches no
 * other file (docs/ADDING-A-PLATFORM.md).
 */
import type { z } from 'zod';
import type { Source, SourceDeps } from './types.ts';

/** A platform's config schema: `sourceObject(type, {…})` from config/source-keys.ts, maybe refined. */
export type PlatformConfigSchema = z.ZodType<{ type: string }, unknown>;

/**
 * Record attribute keys the platform's mapping sets itself (DESIGN §4.4). A source's
 * `attributes:` may never take their place, not even on records where the platform left them out.
 */
export interface OwnedAttributes {
  keys: readonly string[];
  prefixes: readonly string[];
}

export interface PlatformDescriptor<S extends PlatformConfigSchema = PlatformConfigSchema> {
  /** The `type:` value of its sources. */
  readonly type: z.output<S>['type'];
  /** The platform as people name it (help text, README). */
  readonly title: string;
  /** One line on what a source of this type follows (README status table). */
  readonly summary: string;
  /** What a (re)connect replays, i.e. where `tail` starts. */
  readonly replay: string;
  /**
   * The source's keys, with descriptions (docs/CONFIG.md) and secrets marked in the schema
   * (`secretKeys()` of config/fields.ts): redaction follows from it.
   */
  readonly config: S;
  readonly recordAttributes: OwnedAttributes;
  /** Builds the source. No I/O yet. */
  create(config: z.output<S>, deps: SourceDeps): Source;
}

/** Declares a platform (the identity function, for the types). */
export function definePlatform<S extends PlatformConfigSchema>(descriptor: PlatformDescriptor<S>): PlatformDescriptor<S> {
  return descriptor;
}
