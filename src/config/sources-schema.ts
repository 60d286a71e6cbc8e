// The `sources:` list of DESIGN §2-3: the union of every registered platform's source schema
// (src/sources/<platform>/config.ts), unique names, and no source attribute in a key a platform
// sets itself.
import { z } from 'zod';
import type { PlatformDescriptor } from '../sources/platform.ts';
import { PLATFORMS } from '../sources/registry.ts';
import { fieldInfo, whenArray } from './fields.ts';

export { SOURCE_NAME } from './source-keys.ts';

/** The registry's tuple of descriptors as the tuple of their config schemas (zod needs the tuple type). */
type ConfigsOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends PlatformDescriptor<infer S> ? S : never };
type PlatformSchemas = ConfigsOf<typeof PLATFORMS>;

/**
 * One source. `service_name` stays unset when not written: the mapper then takes the resource's
 * service.name (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, `resource:`), else the source name.
 */
export const sourceSchema = z.discriminatedUnion('type', PLATFORMS.map((p) => p.config) as unknown as PlatformSchemas);

/** Attributes the mapper sets on every platform's records (entry fields). */
const MAPPER_ATTRIBUTES = { keys: ['log.iostream'], prefixes: ['agent_log_exporter.'] };

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Record attribute keys the platforms set themselves (DESIGN §4.4), from every descriptor. A
 * source attribute may never take their place, not even on records where the platform left them
 * out (a status line has no log.iostream, and must not get one from the config).
 */
export const RESERVED_ATTRIBUTE: RegExp = (() => {
  const owned = [MAPPER_ATTRIBUTES, ...PLATFORMS.map((p) => p.recordAttributes)];
  const keys = [...new Set(owned.flatMap((o) => o.keys))].map(escape);
  const prefixes = [...new Set(owned.flatMap((o) => o.prefixes))].map((p) => `${escape(p)}.+`);
  return new RegExp(`^(${[...keys, ...prefixes].join('|')})$`);
})();

function reservedAttributeIssues(source: unknown, index: number, ctx: z.RefinementCtx): void {
  const attrs = typeof source === 'object' && source !== null ? (source as { attributes?: unknown }).attributes : undefined;
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return;
  for (const key of Object.keys(attrs)) {
    if (!RESERVED_ATTRIBUTE.test(key)) continue;
    ctx.addIssue({
      code: 'custom', path: [index, 'attributes', key], message: `"${key}" is set by the platform mapping and cannot be a source attribute`,
      params: { hint: 'choose a key of your own, e.g. team or app.component; platform identity belongs in resource attributes' },
    });
  }
}

/** The list of sources: at least one, names unique (they key checkpoints and metrics). */
export const sourcesSchema = z
  .array(sourceSchema)
  .min(1)
  .superRefine((sources, ctx) => {
    const seen = new Map<string, number>();
    sources.forEach((s: unknown, i) => {
      reservedAttributeIssues(s, i, ctx);
      const name = typeof s === 'object' && s !== null ? (s as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') return;
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, i);
        return;
      }
      ctx.addIssue({
        code: 'custom', path: [i, 'name'], message: `duplicate source name "${name}" (first used by sources[${first}])`,
        params: { hint: 'source names must be unique: they key checkpoints and metrics' },
      });
    });
  }, whenArray)
  .meta({ description: 'The sources to follow: at least one. Each has a name, a type (the platform) and the keys of its platform.' });
fieldInfo.add(sourcesSchema, { hint: 'add at least one source, e.g. sources: [{name: my-agent, type: foundry, endpoint: https://RESOURCE.services.ai.azure.com/api/projects/PROJECT, agent: my-agent, auth: {type: bearer, token: ${env:FOUNDRY_TOKEN}}}]' });
