/**
 * The config file the demo runs with: the YAML a user writes for every platform that has a demo
 * scenario (emulators/<type>/demo-scenario.ts), pointed at the emulators. Credentials come from
 * the environment, as they should in production.
 */
import { loadScenarios, quoted } from './scenario.ts';

export type Platform = string;

/** The demo's sources, in the order the screen shows them (the registry's), with the variable holding each credential. */
export const DEMO_SCENARIOS = await loadScenarios();
export const DEMO_SOURCES: readonly { name: string; platform: Platform; secret: string }[] = DEMO_SCENARIOS.map((s) => ({
  name: s.source,
  platform: s.platform,
  secret: s.secret,
}));

export interface DemoConfigOptions {
  /** The sources' entries of the `sources:` list, from the running scenarios. */
  sourcesYaml: string;
  otlpEndpoint: string;
  storageDir: string;
}

/** How a source's entry refers to its credential variable. */
export const credentialRef = (name: string): string => `"\${env:${name}}"`;

export function demoConfigYaml(o: DemoConfigOptions): string {
  return `# Written by \`agent-log-exporter demo\`: a real config, pointed at the built-in emulators.
sources:
${o.sourcesYaml}exporter:
  endpoint: ${quoted(o.otlpEndpoint)}
  batch: {timeout: 250ms}
storage:
  dir: ${quoted(o.storageDir)}
resource: {deployment.environment.name: demo}
server: {listen: ""}
log: {level: warn, format: pretty}
shutdown_timeout: 5s
`;
}
