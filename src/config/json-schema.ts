// config/schema.json, generated from the same zod schema that validates configs, so editor
// completion can never disagree with `agent-log-exporter validate`.
import { z } from 'zod';
import { configSchema } from './schema.ts';

/**
 * The JSON Schema text of the config file: the input side (`'10s'` and `10000` both allowed,
 * defaults shown as written), pretty-printed with a trailing newline. Deterministic: the same
 * schema always gives the same bytes.
 */
export function configJsonSchemaText(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
