// Secrets in the config (tokens, API keys, exporter headers) must never reach a log line or an
// issue message. The daemon's logger and the config loader both redact with these helpers.
import type { PathSegment } from './env-substitution.ts';

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEYS = new Set(['token', 'client_secret', 'api_key']);

export const REDACTED = '[REDACTED]';

/** True when the value at `path` is a secret: a secret key, or any exporter header value. */
export function isSecretPath(path: readonly PathSegment[]): boolean {
  const last = path.at(-1);
  if (typeof last === 'string' && SECRET_KEYS.has(last)) return true;
  return path.length === 3 && path[0] === 'exporter' && path[1] === 'headers';
}

/**
 * Paths of every secret in a config, parsed or raw (the walk is by key name, so it also works on
 * data that failed validation).
 */
export function secretPaths(config: unknown, path: PathSegment[] = []): PathSegment[][] {
  if (typeof config !== 'object' || config === null) return [];
  const out: PathSegment[][] = [];
  for (const [key, value] of Object.entries(config)) {
    const seg: PathSegment = Array.isArray(config) ? Number(key) : key;
    const here = [...path, seg];
    if (isSecretPath(here) && value !== null && value !== undefined && typeof value !== 'object') out.push(here);
    else out.push(...secretPaths(value, here));
  }
  return out;
}

/** The secret values of a config, as strings, for `redactText` and the logger. */
export function collectSecretValues(config: unknown): string[] {
  const values = new Set<string>();
  for (const path of secretPaths(config)) {
    let value: unknown = config;
    for (const seg of path) value = (value as Record<PathSegment, unknown>)[seg];
    values.add(String(value));
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

/**
 * Replaces every occurrence of each secret (of 4 characters or more: shorter ones would blank out
 * ordinary words) with [REDACTED]. Longest first, so a secret containing another is fully hidden.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.replaceAll(secret, REDACTED);
  }
  return out;
}
