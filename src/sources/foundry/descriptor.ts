// Azure AI Foundry hosted agents, as the registry lists them.
import { definePlatform } from '../platform.ts';
import { foundryConfig } from './config.ts';
import { createFoundrySource } from './index.ts';

export const foundry = definePlatform({
  type: 'foundry',
  title: 'Azure AI Foundry hosted agents',
  summary: 'one session, or every session of an agent; `auth: {type: azure}` (Entra ID: workload identity, managed identity, Azure CLI) or `{type: bearer}`',
  replay: "the session's log so far",
  config: foundryConfig,
  // Resource: gen_ai.agent.name, gen_ai.agent.version, session.id, cloud.provider.
  recordAttributes: { keys: ['log.iostream'], prefixes: ['foundry.'] },
  create: createFoundrySource,
});
