// The keys of a `type: agentbox` source (DESIGN §3): a sandbox's containers, or every Running
// sandbox (of a pool), polled or followed.
import { z } from 'zod';
import { duration, fieldInfo, httpUrl, identifier, requireOneSecret, secretKeys, whenObject } from '../../config/fields.ts';
import { isSet, sourceObject } from '../../config/source-keys.ts';

const endpoint = httpUrl.meta({ description: 'AgentBox gateway URL (the API is under /v1).', examples: ['https://agentbox.example.com'] });
fieldInfo.add(endpoint, { hint: 'the AgentBox gateway URL, e.g. https://agentbox.example.com; the API is under /v1' });

const lines = z.int().min(1).max(10_000).default(1000).meta({ description: 'Lines asked for per container and poll (the window); more new lines between two polls is a counted gap.' });
fieldInfo.add(lines, { hint: 'from 1 to 10000: the AgentBox API returns at most the last 10000 lines of a container' });

export const agentboxConfig = sourceObject('agentbox', {
  endpoint,
  ...secretKeys('api_key', 'AgentBox API key (sent as the AGENTBOX-API-KEY header).', '${env:AGENTBOX_API_KEY}'),
  sandbox: identifier().optional().meta({ description: 'One sandbox; omitted: every `Running` sandbox (of pool), one stream per container.', examples: ['5de15c92-8fb5-440f-a9ea-7f62f734f1b9'] }),
  pool: identifier().optional().meta({ description: 'Only sandboxes of this pool (when sandbox is omitted).', examples: ['default'] }),
  container: identifier().optional().meta({ description: 'Only this container of the sandbox (needs sandbox).', examples: ['sandbox'] }),
  runtime: identifier().optional().meta({
    description: 'The `source` query value of log requests. Omitted: the pod\'s stdout/stderr (Kubernetes log API); a runtime name: the server reads that runtime\'s log file inside a Running sandbox (those lines have no timestamps).',
    examples: ['python'],
  }),
  poll_interval: duration('5s').meta({ description: 'How often each container\'s log is polled.' }),
  lines,
  follow: z.boolean().default(false).meta({ description: 'Follow the NDJSON /logs/stream route where the deployment has it, instead of polling.' }),
  discover_interval: duration('30s').meta({ description: 'How often the sandbox list is read again (discovery).' }),
}).superRefine((s, ctx) => {
  requireOneSecret('api_key')(s, ctx);
  if (isSet(s.container) && !isSet(s.sandbox)) {
    ctx.addIssue({ code: 'custom', path: ['container'], message: 'container requires sandbox', params: { hint: 'add the sandbox the container belongs to, or remove container to follow every container' } });
  }
  if (isSet(s.pool) && isSet(s.sandbox)) {
    ctx.addIssue({ code: 'custom', path: ['pool'], message: 'pool only applies when sandbox is omitted', params: { hint: 'remove pool, or remove sandbox to discover the running sandboxes of the pool' } });
  }
}, whenObject);

export type AgentboxSourceConfig = z.output<typeof agentboxConfig>;
