// AgentBox sandboxes, as the registry lists them.
import { definePlatform } from '../platform.ts';
import { agentboxConfig } from './config.ts';
import { createAgentboxSource } from './index.ts';

export const agentbox = definePlatform({
  type: 'agentbox',
  title: 'AgentBox sandboxes',
  summary: 'polling (and NDJSON follow), discovery by pool',
  replay: 'the last `lines` lines of each container',
  config: agentboxConfig,
  // Resource: agentbox.sandbox.id, k8s.namespace.name, k8s.pod.name.
  recordAttributes: { keys: ['log.iostream', 'k8s.container.name'], prefixes: ['agentbox.'] },
  create: createAgentboxSource,
});
