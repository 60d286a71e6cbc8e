/**
 * The config file the demo runs with: the same YAML a user writes for a real Foundry agent,
 * pointed at the emulator. The token comes from the environment, as it should in production.
 */
import { DEMO_AGENT } from './activity.ts';

/** The variable the demo config reads the Foundry token from. */
export const TOKEN_VARIABLE = 'FOUNDRY_TOKEN';
export const DEMO_SOURCE = DEMO_AGENT;

export interface DemoConfigOptions {
  foundryEndpoint: string;
  otlpEndpoint: string;
  storageDir: string;
}

/** A YAML scalar for any string: plain when that is safe (URLs, paths), else double-quoted; never a `${…}` reference. */
function quoted(value: string): string {
  if (/^[A-Za-z0-9_./:@%+~-]+$/.test(value) && !/^[-:]/.test(value)) return value;
  return JSON.stringify(value.replaceAll('${', '$${'));
}

export function demoConfigYaml(o: DemoConfigOptions): string {
  return `# Written by \`agent-log-exporter demo\`: a real config, pointed at the built-in Foundry emulator.
sources:
  - name: ${DEMO_SOURCE}
    type: foundry
    endpoint: ${quoted(o.foundryEndpoint)}
    agent: ${DEMO_AGENT}              # no version/session: discover every session of the agent
    discover_interval: 500ms
    auth: {type: bearer, token: "\${env:${TOKEN_VARIABLE}}"}
exporter:
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
