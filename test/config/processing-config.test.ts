// The `processing:` keys (DESIGN §4.5): defaults, per-source overrides that replace the keys they
// name, and every regex compiled at validation (a bad one is reported at its line with its key path).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { formattedIssues, HILL90_SOURCE, validConfig, yaml } from './helpers.ts';
import { DEFAULT_PROCESSING } from '../../src/processing/config-schema.ts';

const DAYTONA = (name: string, ...extra: string[]): string[] => [`  - name: ${name}`, '    type: daytona', '    api_key: k-123456', '    sandbox: sb1', ...extra];

describe('processing config', () => {
  it('defaults: auto multiline and parse, built-in redaction on, nothing dropped, 256 KiB bodies', () => {
    const config = validConfig(yaml(...HILL90_SOURCE));
    expect(config.processing).toEqual({
      multiline: 'auto', parse: 'auto', redact: { builtin: true, patterns: [], replacement: '[REDACTED]' },
      drop: { below: null, matching: [] }, max_body_bytes: 262144,
    });
    expect(config.processing).toEqual(DEFAULT_PROCESSING);
  });

  it('a source block replaces only the keys it names; the loader gives every source its full settings', () => {
    const config = validConfig(yaml(
      'processing:',
      '  multiline: none',
      '  drop: {below: info}',
      '  max_body_bytes: 64KiB',
      'sources:',
      ...DAYTONA('a'),
      ...DAYTONA('b', '    processing:', '      multiline: {start: \'^\\d{4}-\'}', '      redact: {patterns: [\'pw=(\\S+)\']}'),
    ));
    const [a, b] = config.sources;
    expect(a!.processing).toEqual(config.processing);
    expect(b!.processing).toEqual({
      multiline: { start: '^\\d{4}-', max_lines: 1000, max_bytes: 262144, timeout: 500 },
      parse: 'auto',
      redact: { builtin: true, patterns: ['pw=(\\S+)'], replacement: '[REDACTED]' },
      drop: { below: 'INFO', matching: [] },
      max_body_bytes: 65536,
    });
  });

  it('reports every bad regex with line, column and key path', () => {
    const issues = formattedIssues(yaml(
      'processing:',
      '  drop:',
      '    matching: [\'ok\', \'(unclosed\']',
      'sources:',
      ...DAYTONA('a', '    processing:', '      redact: {patterns: [\'[z-a]\']}', '      multiline: {start: \'*x\'}'),
    ));
    expect(issues).toEqual([
      expect.stringMatching(/^test\.yaml:3:22 +processing\.drop\.matching\[1\] +not a valid regular expression: Unterminated group/),
      expect.stringMatching(/^test\.yaml:10:27 +sources\[0\]\.processing\.redact\.patterns\[0\] +not a valid regular expression: Range out of order in character class/),
      expect.stringMatching(/^test\.yaml:11:26 +sources\[0\]\.processing\.multiline\.start +not a valid regular expression: Nothing to repeat/),
    ]);
  });

  it('names the allowed values of a misspelled setting', () => {
    const issues = formattedIssues(yaml('processing:', '  parse: jsn', '  drop: {below: verbose}', ...HILL90_SOURCE));
    expect(issues[0]).toMatch(/processing\.parse +invalid value "jsn".*did you mean "json"\?/);
    expect(issues[1]).toMatch(/processing\.drop\.below/);
  });
});

describe('validate (the real CLI) with a bad processing regex', () => {
  it('exits 2 naming the file, line, column and key path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ale-proc-')), 'config.yaml');
    writeFileSync(file, yaml(...HILL90_SOURCE, 'processing:', '  redact:', "    patterns: ['ok', 'token=(\\w+']"));
    const result = runCli(['validate', '--config', file]);
    expect(result.status).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toMatch(/config\.yaml:7:22 +processing\.redact\.patterns\[1\] +not a valid regular expression: Unterminated group/);
  });
});
