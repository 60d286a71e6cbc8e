// `npm run build`: the daemon as a few minified ES modules in dist/ (rolldown) instead of
// ~600 files of src/ and node_modules loaded one by one. Issue 14: a module costs its source,
// its record and its compiled code for the life of the process; one stream's sidecar paid ~10 MB
// and ~0.3 s of start-up for them. Dynamic imports stay separate chunks, so `run` never loads
// what `demo`, `tail` or http/json need. Type checks are `npm run typecheck`'s job.
//
//   node scripts/build.ts [--outDir dist]
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'rolldown';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { outDir: { type: 'string', default: join(ROOT, 'dist') } } });
const outDir = values.outDir;

/**
 * Kept out of the bundle, loaded from node_modules when used: @azure/identity is large, loaded only
 * for `auth: azure`, and resolves parts of itself at run time.
 */
const EXTERNAL = ['@azure/identity'];

/**
 * Modules read package.json relative to their own file (`new URL('../package.json', import.meta.url)`),
 * which moves when they are bundled: its text goes into the bundle instead.
 */
function inlinePackageJson(): Plugin {
  const text = JSON.stringify(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const read = /readFileSync\(new URL\('(?:\.\.\/)+package\.json', import\.meta\.url\), 'utf8'\)/g;
  return {
    name: 'inline-package-json',
    transform(code, id) {
      if (!id.startsWith(join(ROOT, 'src')) || !read.test(code)) return null;
      read.lastIndex = 0;
      // map: null — the replacement keeps every line where it was.
      return { code: code.replace(read, text), map: null };
    },
  };
}

/**
 * node:http as `process.getBuiltinModule()` instead of an ESM import. Importing a builtin as ESM
 * makes Node evaluate every export of it to build the namespace, lazy ones included: node:http's
 * `WebSocket` loads Node's internal undici — 13 MB of a sidecar's resident memory that nothing
 * used (issue 14). The virtual module exports the builtin as default and each of its plain values
 * by name; accessor exports (the lazy ones) are left out, so a named import of one fails the build
 * instead of loading it unseen. Other builtins cost nothing extra as ESM once the daemon runs
 * (measured: node:fs's and node:util's lazy exports are loaded by then anyway).
 */
function builtinsWithoutNamespace(names: readonly string[]): Plugin {
  const PREFIX = '\0builtin:';
  const wanted = new Set(names.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'builtins-without-namespace',
    resolveId(id) {
      if (!wanted.has(id)) return null;
      return { id: PREFIX + (id.startsWith('node:') ? id : `node:${id}`), moduleSideEffects: false };
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const mod = process.getBuiltinModule(name) as Record<string, unknown>;
      const plain = Object.keys(mod).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && !Object.getOwnPropertyDescriptor(mod, key)?.get);
      const lines = [`const m = process.getBuiltinModule(${JSON.stringify(name)});`, 'export default m;'];
      for (const key of plain) lines.push(`export const ${key} = m.${key};`);
      return lines.join('\n');
    },
  };
}

rmSync(outDir, { recursive: true, force: true });
await build({
  input: { main: join(ROOT, 'src/main.ts') },
  platform: 'node',
  external: (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)),
  plugins: [inlinePackageJson(), builtinsWithoutNamespace(['http'])],
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    // BUILD_MINIFY=0 keeps names readable in a --cpu-prof profile (bench/profile-summary.ts).
    minify: process.env.BUILD_MINIFY !== '0',
    // One character above U+00FF would make V8 hold a whole chunk's source as UTF-16: twice the bytes.
    charset: 'ascii',
    // Error and class names stay readable in logs and stack traces.
    keepNames: true,
    sourcemap: true,
  },
});
