/**
 * What the registry's descriptors decide, held to the behaviour a user sees: the source types
 * the config accepts, the attribute keys a source may not set, and which values are secrets.
 * Every check loops over the registry, so a new platform is held to it without a new test.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isSecretPath } from '../../src/config/redact.ts';
import { RESERVED_ATTRIBUTE } from '../../src/config/sources-schema.ts';
import { fieldPatterns } from '../../src/config/schema-walk.ts';
import { PLATFORMS } from '../../src/sources/registry.ts';
import { formattedIssues, HILL90_SOURCE, yaml } from './helpers.ts';

describe('the platform registry', () => {
  it('the config accepts exactly the registered types, and names them when a type is unknown', () => {
    const issues = formattedIssues(yaml('sources:', '  - {name: x, type: nosuch}'));
    expect(issues).toEqual([`test.yaml:2:21  sources[0].type  unknown type "nosuch"  (one of: ${PLATFORMS.map((p) => p.type).join(', ')})`]);
  });

  it('every key and prefix a descriptor owns is refused as a source attribute, and ordinary keys are not', () => {
    for (const platform of PLATFORMS) {
      const owned = [...platform.recordAttributes.keys, ...platform.recordAttributes.prefixes.map((p) => `${p}x`)];
      expect(owned.length, platform.type).toBeGreaterThan(0);
      for (const key of owned) {
        const issues = formattedIssues(yaml(...HILL90_SOURCE, `    attributes: {"${key}": v}`));
        expect(issues, key).toEqual([
          `test.yaml:5:18  sources[0].attributes["${key}"]  "${key}" is set by the platform mapping and cannot be a source attribute  (choose a key of your own, e.g. team or app.component; platform identity belongs in resource attributes)`,
        ]);
      }
    }
    for (const key of ['team', 'app.component', 'k8s.cluster.name', 'log.file.name', 'gen_ai', 'foundry']) expect(RESERVED_ATTRIBUTE.test(key), key).toBe(false);
    // The mapper's own keys, on every platform.
    expect(RESERVED_ATTRIBUTE.test('agent_log_exporter.parse_error')).toBe(true);
  });

  it('every secret field of every platform is found by the redaction, and can come from a file', () => {
    for (const platform of PLATFORMS) {
      const secrets = fieldPatterns(platform.config, (info) => info.secret === true);
      const files = fieldPatterns(platform.config, (info) => info.secretFile === true);
      expect(secrets.length, platform.type).toBeGreaterThan(0);
      for (const pattern of secrets) {
        const path = ['sources', 0, ...pattern];
        expect(isSecretPath(path), path.join('.')).toBe(true);
        // Every secret has its `_file` twin.
        expect(files.map((f) => f.join('.'))).toContain(`${pattern.join('.')}_file`);
      }
    }
    expect(isSecretPath(['sources', 0, 'name'])).toBe(false);
    expect(isSecretPath(['exporter', 'headers', 'authorization'])).toBe(true);
  });

  it('every key of every platform has a description', () => {
    const missing: string[] = [];
    const walk = (schema: unknown, path: string): void => {
      const json = schema as { properties?: Record<string, unknown>; oneOf?: unknown[]; anyOf?: unknown[]; items?: unknown; description?: string };
      for (const [key, child] of Object.entries(json.properties ?? {})) {
        if (key !== 'type' && !(child as { description?: string }).description) missing.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      for (const option of [...(json.oneOf ?? []), ...(json.anyOf ?? [])]) walk(option, path);
    };
    for (const platform of PLATFORMS) walk(z.toJSONSchema(platform.config, { io: 'input' }), platform.type);
    expect(missing).toEqual([]);
  });
});
