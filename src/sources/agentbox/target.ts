/** What one AgentBox stream follows: one container of one sandbox. */
export interface ContainerTarget {
  sourceName: string;
  sandbox: string;
  container: string;
  /** The `source` query value (a runtime name); undefined = stdout/stderr. */
  runtime: string | undefined;
  /** Lines per window (`lines`, per container). */
  lines: number;
  pollIntervalMs: number;
}

/** The most the server gives (PLATFORMS §4.4). */
export const MAX_LINES = 10_000;
