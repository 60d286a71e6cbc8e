/**
 * `demo` loads the showcase from the repository's emulators/ folder. The emulators (and the
 * 17 MB decoder they need) are test doubles, not part of the daemon: the package and the image
 * do not carry them, so there `demo` says how to run it from a checkout instead of failing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotInThisBuildError } from '../errors.ts';

export interface DemoOptions {
  durationMs?: number | undefined;
  otlpEndpoint?: string | undefined;
  keep?: boolean | undefined;
  emulatorsOnly?: boolean | undefined;
  output: { write(text: string): unknown; isTTY?: boolean; columns?: number; on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

// From src/cli/ (a checkout run with Node's type stripping) the showcase is two folders up;
// from dist/cli/ (a build) it is found only when the build sits in a checkout.
const DEMO_ENTRY = new URL('../../emulators/demo/demo.ts', import.meta.url);

export async function runDemo(options: DemoOptions): Promise<number> {
  if (!existsSync(fileURLToPath(DEMO_ENTRY))) {
    throw new NotInThisBuildError(
      'The demo runs from a checkout of the repository: its platform emulators are test doubles that ' +
        'this installation (an npm package or the container image) does not carry. In a checkout of the ' +
        "project's repository run `npm ci && npm run demo`.",
    );
  }
  const demo = (await import(DEMO_ENTRY.href)) as { demoCommand(options: DemoOptions): Promise<number> };
  return demo.demoCommand(options);
}
