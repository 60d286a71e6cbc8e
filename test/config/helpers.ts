// Shared helpers for the config tests: parse a YAML string and look at the formatted issues.
import { expect } from 'vitest';
import { formatIssue } from '../../src/config/issues.ts';
import { parseConfigText } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

export const FILE = 'test.yaml';

/** Lines joined with \n (keeps the YAML in tests readable and the line numbers countable). */
export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

export function validConfig(text: string, env: Record<string, string | undefined> = {}): Config {
  const result = parseConfigText(text, FILE, env);
  if (!result.ok) expect.fail(`expected a valid config, got:\n${result.issues.map(formatIssue).join('\n')}`);
  return result.config;
}

export function formattedIssues(text: string, env: Record<string, string | undefined> = {}): string[] {
  const result = parseConfigText(text, FILE, env);
  if (result.ok) expect.fail('expected issues, the config is valid');
  return result.issues.map(formatIssue);
}

/** A minimal valid source, for configs whose point is elsewhere. */
export const HILL90_SOURCE = ['sources:', '  - name: agents', '    type: hill90', '    auth: {type: bearer, token: tok-abcdef}'];
