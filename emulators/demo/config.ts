/**
 * The config file the demo runs with: the YAML a user writes for the four platforms, pointed
 * at the emulators. Credentials come from the environment, as they should in production.
 */
import { DEMO_AGENT } from './activity-foundry.ts';

export type Platform = 'foundry' | 'hill90' | 'daytona' | 'agentbox';

/** The demo's sources, in the order the screen shows them, with the variable holding each credential. */
export const DEMO_SOURCES: readonly { name: string; platform: Platform; secret: string }[] = [
  { name: DEMO_AGENT, platform: 'foundry', secret: 'FOUNDRY_TOKEN' },
  { name: 'hill90-agents', platform: 'hill90', secret: 'HILL90_TOKEN' },
  { name: 'daytona-ci', platform: 'daytona', secret: 'DAYTONA_API_KEY' },
  { name: 'agentbox-pool', platform: 'agentbox', secret: 'AGENTBOX_API_KEY' },
];
export const DEMO_SOURCE = DEMO_AGENT;

export interface DemoConfigOptions {
  foundryEndpoint: string;
  hill90Endpoint: string;
  daytonaApiUrl: string;
  agentboxEndpoint: string;
  otlpEndpoint: string;
  storageDir: string;
}

/** A YAML scalar for any string: plain when that is safe (URLs, paths), else double-quoted; never a `${…}` reference. */
function quoted(value: string): string {
  if (/^[A-Za-z0-9_./:@%+~-]+$/.test(value) && !/^[-:]/.test(value)) return value;
  return JSON.stringify(value.replaceAll('${', '$${'));
}

const env = (name: string): string => `"\${env:${name}}"`;
const [foundry, hill90, daytona, agentbox] = DEMO_SOURCES as [(typeof DEMO_SOURCES)[number], (typeof DEMO_SOURCES)[number], (typeof DEMO_SOURCES)[number], (typeof DEMO_SOURCES)[number]];

export function demoConfigYaml(o: DemoConfigOptions): string {
  return `# Written by \`agent-log-exporter demo\`: a real config, pointed at the built-in emulators.
sources:
  - name: ${foundry.name}
    type: foundry
    endpoint: ${quoted(o.foundryEndpoint)}
    agent: ${DEMO_AGENT}              # no version/session: every session of the agent
    discover_interval: 500ms
    auth: {type: bearer, token: ${env(foundry.secret)}}
  - name: ${hill90.name}
    type: hill90
    endpoint: ${quoted(o.hill90Endpoint)}
    auth: {type: bearer, token: ${env(hill90.secret)}}
    discover_interval: 500ms          # no agent_id: every running agent
  - name: ${daytona.name}
    type: daytona
    api_url: ${quoted(o.daytonaApiUrl)}
    api_key: ${env(daytona.secret)}
    sandbox_labels: {app: agent-worker}
    entrypoint: false
    discover_interval: 500ms          # each command is a stream; new ones are found this often
  - name: ${agentbox.name}
    type: agentbox
    endpoint: ${quoted(o.agentboxEndpoint)}
    api_key: ${env(agentbox.secret)}
    pool: default                     # every Running sandbox of the pool, one stream per container
    follow: true
    poll_interval: 1s
    discover_interval: 500ms
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
