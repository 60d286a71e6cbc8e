import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { configJsonSchemaText } from '../../src/config/json-schema.ts';

describe('config/schema.json', () => {
  it('matches the zod schema', () => {
    const checkedIn = readFileSync(new URL('../../config/schema.json', import.meta.url), 'utf8');
    expect(checkedIn === configJsonSchemaText(), 'config/schema.json is stale: run `npm run schema`').toBe(true);
  });

  it('is deterministic and describes the input side (durations as strings, defaults as written)', () => {
    expect(configJsonSchemaText()).toBe(configJsonSchemaText());
    const schema = JSON.parse(configJsonSchemaText()) as {
      required: string[];
      additionalProperties: boolean;
      properties: { shutdown_timeout: { default: unknown; type: unknown }; exporter: { properties: { batch: { properties: { max_bytes: { default: unknown } } } } } };
    };
    expect(schema.required).toEqual(['sources']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.shutdown_timeout).toMatchObject({ default: '10s', type: ['string', 'number'] });
    expect(schema.properties.exporter.properties.batch.properties.max_bytes.default).toBe('4MiB');
  });
});
