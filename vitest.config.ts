import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Most of the suite's time is Node starting the real CLI (and the test workers) and compiling
// the same TypeScript again and again: Node's on-disk compile cache keeps the stripped and
// compiled modules between processes and runs (~30 % faster for the CLI-heavy files). Set
// before the workers fork, so they and every CLI they spawn inherit it.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'agent-log-exporter-test-compile-cache');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
