// The four frames of the platform's own example (seeds/foundry-session-logstream.md),
// byte for byte, so tests replay exactly what Microsoft documents.
import type { JsonLogLine } from './types.ts';

export const SEED_FRAMES =
  'event: log\n' +
  'data: {"timestamp":"2026-03-10T09:33:17.121Z","stream":"stdout","message":"Starting FoundryCBAgent server on port 8088"}\n' +
  '\n' +
  'event: log\n' +
  'data: {"timestamp":"2026-03-10T09:33:17.130Z","stream":"stderr","message":"INFO: Application startup complete."}\n' +
  '\n' +
  'event: log\n' +
  'data: {"timestamp":"2026-03-10T09:34:52.714Z","stream":"status","message":"Successfully connected to container"}\n' +
  '\n' +
  'event: log\n' +
  'data: {"timestamp":"2026-03-10T09:35:52.714Z","stream":"status","message":"No logs since last 60 seconds"}\n' +
  '\n';

/** The same four frames as lines for `append()`; they render to SEED_FRAMES. */
export const SEED_LINES: readonly JsonLogLine[] = Object.freeze([
  { timestamp: '2026-03-10T09:33:17.121Z', stream: 'stdout', message: 'Starting FoundryCBAgent server on port 8088' },
  { timestamp: '2026-03-10T09:33:17.130Z', stream: 'stderr', message: 'INFO: Application startup complete.' },
  { timestamp: '2026-03-10T09:34:52.714Z', stream: 'status', message: 'Successfully connected to container' },
  { timestamp: '2026-03-10T09:35:52.714Z', stream: 'status', message: 'No logs since last 60 seconds' },
]);
