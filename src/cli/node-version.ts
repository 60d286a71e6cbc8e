/**
 * The Node version check that runs before anything else is loaded: the dependencies (undici
 * first) fail on an older Node with a stack trace that names neither Node nor the fix. Only
 * `node:fs` here, and syntax every Node since 16 parses. The range is package.json's `engines`,
 * so the two cannot drift; only its `>=MAJOR[.MINOR[.PATCH]]` form is understood (any other
 * form skips the check rather than refusing a good Node).
 */
import { readFileSync } from 'node:fs';

function parts(version: string): number[] {
  return version.split('.').map((p) => Number.parseInt(p, 10) || 0);
}

/** `>=22.15` → [22, 15, 0]; undefined for a range of another form. */
export function minimumOf(range: string): number[] | undefined {
  const m = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(range);
  if (!m) return undefined;
  const min = parts(m[1]!);
  while (min.length < 3) min.push(0);
  return min;
}

/** One line for a Node older than `range`, else undefined. */
export function nodeVersionProblem(found: string, range: string | undefined): string | undefined {
  const min = range === undefined ? undefined : minimumOf(range);
  if (!min) return undefined;
  const have = parts(found);
  for (let i = 0; i < 3; i++) {
    const a = have[i] ?? 0;
    const b = min[i] ?? 0;
    if (a > b) return undefined;
    if (a < b) {
      return `Node.js ${found} found (${process.execPath}), but agent-log-exporter needs Node.js ${range!.trim()}; install a newer Node (https://nodejs.org) or put one first on PATH.`;
    }
  }
  return undefined;
}

/** package.json's `engines.node`, next to src/ (or dist/) one level up. */
export function enginesRange(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines?: { node?: unknown } };
    return typeof pkg.engines?.node === 'string' ? pkg.engines.node : undefined;
  } catch {
    return undefined;
  }
}
