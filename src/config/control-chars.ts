// Secrets and exporter header values are sent in HTTP headers, where a newline, a carriage return
// or any other control character is refused by the client (or worse, splits the header). The most
// common cause is a token read from a mounted file or `$(cat file)` with its trailing newline, so
// that case gets its own hint. Issues name the key, never the value.
import type { PathSegment } from './path.ts';
import { secretFilePaths, secretPaths } from './redact.ts';
import { readSecretFile } from './secret-value.ts';

export interface ControlCharIssue {
  path: PathSegment[];
  message: string;
  hint: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const valueAt = (config: unknown, path: readonly PathSegment[]): unknown =>
  path.reduce<unknown>((v, seg) => (v as Record<PathSegment, unknown> | undefined)?.[seg], config);

function describe(value: string, what: string): Omit<ControlCharIssue, 'path'> | undefined {
  const at = CONTROL.exec(value);
  if (!at) return undefined;
  const code = `U+${at[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (/[\r\n]+$/.test(value) && !CONTROL.test(value.replace(/[\r\n]+$/, ''))) {
    return {
      message: `${what} ends with a ${value.endsWith('\r\n') ? 'carriage return and ' : ''}newline (value not shown)`,
      hint: 'a secret read from a mounted file or $(cat FILE) keeps its trailing newline: strip it (printf %s, tr -d "\\n"), or use the *_file key, which ignores one',
    };
  }
  return {
    message: `${what} contains a control character (${code} at position ${at.index + 1}; value not shown)`,
    hint: 'HTTP refuses control characters in header values: remove it from the value (or from the file or variable it comes from)',
  };
}

export function controlCharIssues(config: unknown): ControlCharIssue[] {
  const issues: ControlCharIssue[] = [];
  const headers = Object.keys((valueAt(config, ['exporter', 'headers']) ?? {}) as Record<string, unknown>).map((k): PathSegment[] => ['exporter', 'headers', k]);
  const seen = new Set<string>();
  for (const path of [...secretPaths(config), ...headers]) {
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    const value = valueAt(config, path);
    if (typeof value !== 'string') continue;
    const found = describe(value, path[1] === 'headers' && path[0] === 'exporter' ? 'the header value' : 'the secret');
    if (found) issues.push({ path, ...found });
  }
  for (const path of secretFilePaths(config)) {
    let content: string;
    try {
      content = readSecretFile(String(valueAt(config, path)));
    } catch {
      continue; // unreadable: the secret-file check reports it
    }
    const found = describe(content, "the file's secret");
    if (found) issues.push({ path, ...found });
  }
  return issues;
}
