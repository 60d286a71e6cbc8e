// Every config a reader can copy from the README is valid as written (with its variables set).
import { availableTypes } from '../../src/sources/registry.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/issues.ts';
import { parseConfigText } from '../../src/config/load.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((text) => /^sources:/m.test(text));

/** A readable secret file, for `*_FILE` variables (secret files are read at load). */
const SECRET_FILE = join(mkdtempSync(join(tmpdir(), 'ale-readme-')), 'secret');
writeFileSync(SECRET_FILE, 'file-secret-123\n');

/** A plausible value for each `${env:NAME}` the block uses (URLs where the key wants one, a file for *_FILE). */
function envFor(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name] of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    env[name!] = /URL|ENDPOINT/.test(name!) ? 'https://example.com/v1/logs' : name!.endsWith('_FILE') ? SECRET_FILE : 'value-123';
  }
  return env;
}

describe('README configs', () => {
  it('shows a minimal config for every platform', () => {
    const types = blocks.flatMap((b) => [...b.matchAll(/^ {2}- name: .*\n {4}type: (\w+)/gm)].map((m) => m[1]));
    expect(new Set(types)).toEqual(new Set(availableTypes()));
  });

  it.each(blocks.map((b, i) => [i, b] as const))('block %i is valid', (_, text) => {
    const result = parseConfigText(text, 'README.md', envFor(text));
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([]);
  });
});
