// The keys every source has (DESIGN §2), and the builder each platform's config schema starts
// from: `sourceObject('foundry', {…platform keys…})`. Platform keys live in the platform's own
// folder (src/sources/<platform>/config.ts); the union of all of them is derived from the registry.
import { z } from 'zod';
import { attributes, fieldInfo, level, text } from './fields.ts';
import { sourceProcessingSchema } from '../processing/config-schema.ts';

export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const sourceName = z
  .string()
  .regex(SOURCE_NAME, { error: (iss) => `"${String(iss.input)}" is not a valid source name` })
  .meta({ description: 'Unique name of the source: the first part of every stream key, and the `source` label of its metrics.', examples: ['support-agent'] });
fieldInfo.add(sourceName, { hint: 'lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters' });

const severity = z
  .strictObject({
    stdout: level().prefault('INFO').meta({ description: 'Severity of stdout lines whose text names no level.' }),
    stderr: level().prefault('ERROR').meta({ description: 'Severity of stderr lines whose text names no level.' }),
    detect: z.boolean().default(true).meta({
      description: 'A level found in the text wins over the stream default: a leading `INFO:`, `[WARN]`, `ERROR -`, `level=warn`, a JSON body with `level`/`severity`/`levelname`, or a Python traceback (ERROR).',
    }),
  })
  .prefault({})
  .meta({ description: 'Severity by stream when the text names no level, and level detection from the text. Levels: TRACE, DEBUG, INFO, NOTICE, WARN, WARNING, ERROR, ERR, CRITICAL, FATAL, PANIC (any case).' });

/** Keys every source type has. */
const common = {
  name: sourceName,
  service_name: text().optional().meta({
    description: 'Resource service.name of this source (default: the resource service.name from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES / resource, else name).',
    examples: ['support'],
  }),
  attributes: attributes().meta({
    description: 'Extra attributes put on every record of this source. Keys the platform sets itself (see each platform) are refused.',
    examples: [{ team: 'core' }],
  }),
  severity,
  processing: sourceProcessingSchema,
};

/** The names of the keys every source has (docs/CONFIG.md lists them once). */
export const COMMON_KEYS: readonly string[] = Object.keys(common);

/** True for a key that was written (YAML `null` counts as not written). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** The config object of one platform: its `type`, the common keys, then its own keys. */
export function sourceObject<T extends string, Shape extends z.core.$ZodLooseShape>(type: T, shape: Shape) {
  return z.strictObject({ type: z.literal(type).meta({ description: 'The platform.' }), ...common, ...shape });
}
