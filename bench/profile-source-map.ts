/**
 * Where a profiled function of the bundled daemon came from: its source file, line and name, read
 * from the bundle's source map (`dist/**\/*.js.map`, scripts/build.ts). A profile of the bundle
 * names only chunk files (and, minified, short names), so categories by source folder need this.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Origin {
  /** The source path as the map names it (e.g. `../../src/sources/foundry/parser.ts`). */
  source: string;
  /** 1-based. */
  line: number;
  name?: string;
}

const maps = new Map<string, SourceMap | undefined>();

function mapOf(url: string): SourceMap | undefined {
  if (maps.has(url)) return maps.get(url);
  let map: SourceMap | undefined;
  try {
    map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    map = undefined; // not a bundle, or no map beside it
  }
  maps.set(url, map);
  return map;
}

/** The origin of a call frame (0-based line and column, as in .cpuprofile), or undefined outside a mapped bundle. */
export function originOf(frame: { url: string; lineNumber: number; columnNumber?: number }): Origin | undefined {
  if (!frame.url.startsWith('file://') || !frame.url.endsWith('.js')) return undefined;
  const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
  if (!entry || !('originalSource' in entry)) return undefined;
  // `name` is in the maps Node reads, not yet in its types.
  const { name } = entry as { name?: string };
  return { source: entry.originalSource, line: entry.originalLine + 1, name };
}
