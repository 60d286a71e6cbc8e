/**
 * `npm ci` stays quiet: the checks npm makes while installing, made here on package.json and
 * package-lock.json, so a dependency change that brings the warnings back fails `npm test`
 * (no registry needed). npm prints `ERESOLVE overriding peer dependency` when a peer
 * resolves to a version outside the range asked for, `EBADENGINE` when a package's
 * `engines.node` excludes the running Node, and an install-scripts notice for every
 * dependency script `allowScripts` does not cover.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

interface LockEntry {
  version?: string;
  link?: boolean;
  engines?: Record<string, string> | string[];
  hasInstallScript?: boolean;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Manifest {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const installed = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.link);

/** The lock path a `require(name)` from the package at `path` finds (Node's upward search). */
function resolveFrom(path: string, name: string): string | undefined {
  for (let dir = path; ; ) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/** A package's name from its lock path (the part after the last node_modules/). */
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** The range the root asks for `name`: an override (`$name` = the root's own dependency range) wins. */
function rootRange(name: string): string | undefined {
  const override = pkg.overrides?.[name];
  if (override === undefined) return undefined;
  return override.startsWith('$') ? (pkg.dependencies[override.slice(1)] ?? pkg.devDependencies[override.slice(1)]) : override;
}

describe('a quiet npm ci', () => {
  it('every peer dependency resolves to a version in its range, or to the one the root pins with an override (no ERESOLVE)', () => {
    const conflicts: string[] = [];
    for (const [path, entry] of installed) {
      for (const [peer, range] of Object.entries(entry.peerDependencies ?? {})) {
        const found = resolveFrom(path, peer);
        if (!found) {
          if (!entry.peerDependenciesMeta?.[peer]?.optional) conflicts.push(`${path}: peer ${peer}@${range} is not installed`);
          continue;
        }
        const version = lock.packages[found]!.version!;
        const pinned = rootRange(peer);
        const ok = pinned !== undefined ? semver.satisfies(version, pinned) : semver.satisfies(version, range, { includePrerelease: true });
        if (!ok) conflicts.push(`${path}: peer ${peer}@"${range}" resolves to ${version}`);
      }
    }
    expect(conflicts).toEqual([]);
  });

  it('an override pins a package the root depends on itself, to one version everywhere', () => {
    for (const [name, value] of Object.entries(pkg.overrides ?? {})) {
      expect(typeof value, name).toBe('string');
      const range = rootRange(name);
      expect(range, `${name}: the override's range`).toBeDefined();
      const versions = new Set(installed.filter(([path]) => nameOf(path) === name).map(([, e]) => e.version));
      expect([...versions], name).toHaveLength(1);
      expect(semver.satisfies([...versions][0]!, range!), name).toBe(true);
    }
  });

  it('every package runs on the oldest Node the engines range admits (no EBADENGINE on a supported Node)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refusing: string[] = [];
    for (const [path, entry] of installed) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (wanted && !semver.satisfies(oldest, wanted)) refusing.push(`${nameOf(path)}@${entry.version} needs node ${wanted}`);
    }
    expect(refusing, `engines.node is ${pkg.engines.node}`).toEqual([]);
  });

  it('the Dockerfile\'s Node and the `node` devDependency are inside the engines range', () => {
    const image = /^FROM node:(\d+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(image).not.toBeNull();
    expect(semver.satisfies(`${image![1]}.99.0`, pkg.engines.node)).toBe(true);
    expect(semver.satisfies(lock.packages['node_modules/node']!.version!, pkg.engines.node)).toBe(true);
  });

  it('allowScripts decides every install script in the tree (no install-scripts notice)', () => {
    const withScripts = [...new Set(installed.filter(([, e]) => e.hasInstallScript).map(([path]) => nameOf(path)))];
    const decided = new Set(Object.keys(pkg.allowScripts ?? {}).map((key) => key.replace(/(?<=.)@[^@]*$/, '')));
    expect(withScripts.filter((name) => !decided.has(name))).toEqual([]);
    // The `node` devDependency's preinstall puts Node 24 into node_modules/.bin: the npm scripts need it.
    expect(pkg.allowScripts?.node).toBe(true);
  });
});
