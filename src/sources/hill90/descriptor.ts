// Hill90 agent events, as the registry lists them.
import { definePlatform } from '../platform.ts';
import { hill90Config } from './config.ts';
import { createHill90Source } from './index.ts';

export const hill90 = definePlatform({
  type: 'hill90',
  title: 'Hill90 agent events',
  summary: 'one agent, or every running agent (`GET /agents`); `auth: {type: bearer}` or `{type: oidc}` (client credentials, refreshed)',
  replay: 'the last `tail` events',
  config: hill90Config,
  // Resource: gen_ai.agent.id, gen_ai.agent.name. Records: the event and its inference usage.
  recordAttributes: { keys: ['event.name'], prefixes: ['hill90.', 'gen_ai.'] },
  create: createHill90Source,
});
