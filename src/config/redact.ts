// Secrets in the config (tokens, API keys, exporter headers, and the contents of their `*_file`
// files) must never reach a log line, /readyz, /metrics or an issue message. Which values are
// secrets is read from the schema: fields made with `secret()` / `secretKeys()` (config/fields.ts),
// in every platform's source schema.
import { currentSecretFile } from './secret-value.ts';
import { configSchema } from './schema.ts';
import { fieldPatterns, matchesPattern, type PathPattern } from './schema-walk.ts';
import type { PathSegment } from './path.ts';

export { REDACTED, redactText } from './redact-text.ts';

let patterns: { secrets: PathPattern[]; files: PathPattern[] } | undefined;
function secretPatterns(): { secrets: PathPattern[]; files: PathPattern[] } {
  patterns ??= {
    secrets: fieldPatterns(configSchema, (info) => info.secret === true),
    files: fieldPatterns(configSchema, (info) => info.secretFile === true),
  };
  return patterns;
}

/**
 * True when the value at `path` is a secret. By path pattern, not by parsed value, so it also
 * works on raw data that failed validation (a key that is a secret in one platform's schema is
 * treated as one in every source).
 */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  return secretPatterns().secrets.some((p) => matchesPattern(p, path));
}

/** True when the value at `path` names a file holding a secret (`token_file`…). */
export function isSecretFilePath(path: readonly PathSegment[]): boolean {
  return secretPatterns().files.some((p) => matchesPattern(p, path));
}

function scalarPaths(config: unknown, test: (path: PathSegment[]) => boolean, path: PathSegment[] = []): PathSegment[][] {
  if (typeof config !== 'object' || config === null) return [];
  const out: PathSegment[][] = [];
  for (const [key, value] of Object.entries(config)) {
    const seg: PathSegment = Array.isArray(config) ? Number(key) : key;
    const here = [...path, seg];
    if (test(here) && value !== null && value !== undefined && typeof value !== 'object') out.push(here);
    else out.push(...scalarPaths(value, test, here));
  }
  return out;
}

/** Paths of every secret in a config, parsed or raw. */
export function secretPaths(config: unknown): PathSegment[][] {
  return scalarPaths(config, isSecretPath);
}

/** Paths of every `*_file` secret in a config, parsed or raw. */
export function secretFilePaths(config: unknown): PathSegment[][] {
  return scalarPaths(config, isSecretFilePath);
}

const valueAt = (config: unknown, path: readonly PathSegment[]): unknown =>
  path.reduce<unknown>((v, seg) => (v as Record<PathSegment, unknown>)[seg], config);

/** The secret values of a config, as strings, for `redactText` and the logger; secret files are read now. */
export function collectSecretValues(config: unknown): string[] {
  const values = new Set<string>();
  for (const path of secretPaths(config)) values.add(String(valueAt(config, path)));
  for (const path of secretFilePaths(config)) {
    try {
      values.add(currentSecretFile(String(valueAt(config, path))));
    } catch {
      // Unreadable: validation reports it; there is no value to hide.
    }
  }
  for (const password of urlPasswords(config)) values.add(password);
  return [...values];
}

/** Passwords written into URLs (`https://user:secret@host`), wherever a URL appears in the config. */
function urlPasswords(config: unknown): string[] {
  if (typeof config === 'string') {
    if (!/^https?:\/\/[^/]*@/i.test(config)) return [];
    try {
      const password = decodeURIComponent(new URL(config).password);
      return password ? [password, encodeURIComponent(password)] : [];
    } catch {
      return [];
    }
  }
  if (typeof config !== 'object' || config === null) return [];
  return Object.values(config).flatMap(urlPasswords);
}
