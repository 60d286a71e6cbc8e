#!/usr/bin/env node
/**
 * The entry: a Node older than package.json's `engines` gets one line and exit 2 before any
 * dependency is loaded (they would fail with a stack trace of their own); then the CLI.
 */
import { enginesRange, nodeVersionProblem } from './cli/node-version.ts';

const problem = nodeVersionProblem(process.versions.node, enginesRange());
if (problem) {
  process.stderr.write(`agent-log-exporter: ${problem}\n`);
  process.exitCode = 2;
} else {
  await import('./cli/main.ts');
}
