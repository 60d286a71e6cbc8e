/**
 * The generated files agree with the code: config/schema.json and docs/CONFIG.md with the zod
 * schema, README's platform table with the registry. A stale file fails here (fix: `npm run
 * schema`). And the reference is complete: every key has a description, a type, and a default or
 * an example.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReferenceText, referenceRows } from '../../src/config/config-doc.ts';
import { platformTableText } from '../../src/config/platform-table.ts';
import { PLATFORMS } from '../../src/sources/registry.ts';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('generated docs', () => {
  it('docs/CONFIG.md is current', () => {
    expect(read('docs/CONFIG.md') === configReferenceText(), 'docs/CONFIG.md is stale: run `npm run schema`').toBe(true);
  });

  it("README's platform table is current, and README links the config reference", () => {
    const readme = read('README.md');
    expect(readme.includes(platformTableText()), "README.md's platform table is stale: run `npm run schema`").toBe(true);
    expect(readme).toContain('](docs/CONFIG.md)');
  });

  it('every key of the config has a description, a type and a default or an example', () => {
    const { top, common, platforms } = referenceRows();
    const rows = [...top, ...common, ...platforms.flat()];
    expect(platforms).toHaveLength(PLATFORMS.length);
    expect(rows.length).toBeGreaterThan(60);
    const incomplete = rows.filter((r) => r.description.replace(/^\(type \S+\) /, '') === '' || r.type === '' || (r.example === '' && r.default === '—'));
    expect(incomplete.map((r) => r.key)).toEqual([]);
  });

  it('documents the keys people asked about, and the Foundry default auth', () => {
    const doc = configReferenceText();
    for (const key of ['user_isolation_key', 'organization_id', 'runtime', 'auth.scope', 'drop_heartbeats', 'api_version', 'severity.detect', 'auth.token_file', 'api_key_file', 'auth.client_secret_file']) {
      expect(doc, key).toMatch(new RegExp(`^\\| \`${key.replace('.', '\\.')}\` \\|`, 'm'));
    }
    expect(doc).toMatch(/^\| `auth` \| mapping, by type: azure, bearer \| `\{type: azure\}` \|/m);
    for (const p of PLATFORMS) expect(doc).toContain(`## \`type: ${p.type}\` — ${p.title}`);
  });
});
