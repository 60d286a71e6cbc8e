// Every config a reader can copy from the README is valid as written (with its variables set).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/issues.ts';
import { parseConfigText } from '../../src/config/load.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((text) => /^sources:/m.test(text));

/** A plausible value for each `${env:NAME}` the block uses (URLs where the key wants one). */
function envFor(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name] of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[name!] = /URL|ENDPOINT/.test(name!) ? 'https://example.com/v1/logs' : 'value-123';
  return env;
}

describe('README configs', () => {
  it('shows a minimal config for every platform', () => {
    const types = blocks.flatMap((b) => [...b.matchAll(/^ {2}- name: .*\n {4}type: (\w+)/gm)].map((m) => m[1]));
    expect(new Set(types)).toEqual(new Set(['foundry', 'hill90', 'daytona', 'agentbox']));
  });

  it.each(blocks.map((b, i) => [i, b] as const))('block %i is valid', (_, text) => {
    const result = parseConfigText(text, 'README.md', envFor(text));
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([]);
  });
});
