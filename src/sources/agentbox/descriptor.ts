// AgentBox sandboxes, as the registry lists them.
import { definePlatform } from '../platform.ts';
import { agentboxConfig } from './config.ts';
import { createAgentboxSource } from './index.ts';

export const agentbox = definePlatform({
  type: 'agentbox',
  title: 'AgentBox sandboxes',
  summary: 'the containers of one sandbox, or of every Running sandbox (of a pool); polling, or NDJSON follow',
  replay: 'the last `lines` lines of each container',
  config: agentboxConfig,
  // Resource: agentbox.sandbox.id, k8s.namespace.name, k8s.pod.name.
  recordAttributes: { keys: ['log.iostream', 'k8s.container.name'], prefixes: ['agentbox.'] },
  create: createAgentboxSource,
});
