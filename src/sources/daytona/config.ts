// The keys of a `type: daytona` source (DESIGN §3): one command, a sandbox's commands, or every
// started sandbox with given labels.
import { z } from 'zod';
import { duration, httpUrl, identifier, requireOneSecret, secretKeys, whenObject } from '../../config/fields.ts';
import { isSet, sourceObject } from '../../config/source-keys.ts';

export const daytonaConfig = sourceObject('daytona', {
  api_url: httpUrl.default('https://app.daytona.io/api').meta({ description: 'Daytona API base URL.' }),
  ...secretKeys('api_key', 'Daytona API key (sent as a bearer token).', '${env:DAYTONA_API_KEY}'),
  organization_id: identifier().optional().meta({
    description: 'Sent as the `X-Daytona-Organization-ID` header on API calls: needed when the credential is a user JWT rather than an API key.',
    examples: ['2b4c6d8e-0000-4000-8000-000000000001'],
  }),
  sandbox: identifier().optional().meta({ description: 'One sandbox: all its session commands and its entrypoint (excludes sandbox_labels).', examples: ['5f3a9c1e-7b2d-4e8f-9a01-2c3d4e5f6a7b'] }),
  sandbox_labels: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'Discovery: every `started` sandbox whose labels include these; {} matches all (excludes sandbox).', examples: [{ app: 'agent-worker' }] }),
  session: identifier().optional().meta({ description: 'Only this session of the sandbox (needs sandbox).', examples: ['build'] }),
  command: identifier().optional().meta({ description: 'Only this command of the session (needs session).', examples: ['c0ffee00-1111-4222-8333-444455556666'] }),
  entrypoint: z.boolean().default(true).meta({ description: 'Also follow the sandbox\'s entrypoint log (stream `<source>/<sandbox>/entrypoint`).' }),
  toolbox_url: httpUrl.optional().meta({ description: 'Override of the toolbox base URL the sandbox lists as toolboxProxyUrl.', examples: ['https://proxy.app.daytona.io/toolbox'] }),
  discover_interval: duration('30s').meta({ description: 'How often sandboxes, sessions and commands are listed again (discovery).' }),
}).superRefine((s, ctx) => {
  requireOneSecret('api_key')(s, ctx);
  const choose = 'set sandbox to follow one sandbox, or sandbox_labels to discover matching ones; sandbox_labels: {} matches all';
  if (isSet(s.sandbox) && isSet(s.sandbox_labels)) {
    ctx.addIssue({ code: 'custom', path: ['sandbox_labels'], message: 'sandbox and sandbox_labels exclude each other', params: { hint: choose } });
  } else if (!isSet(s.sandbox) && !isSet(s.sandbox_labels)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'a daytona source needs sandbox or sandbox_labels', params: { hint: choose } });
  }
  if (isSet(s.session) && !isSet(s.sandbox)) {
    ctx.addIssue({ code: 'custom', path: ['session'], message: 'session requires sandbox', params: { hint: 'a session id is only meaningful within one sandbox' } });
  }
  if (isSet(s.command) && !isSet(s.session)) {
    ctx.addIssue({ code: 'custom', path: ['command'], message: 'command requires session', params: { hint: 'add the session the command runs in' } });
  }
}, whenObject);

export type DaytonaSourceConfig = z.output<typeof daytonaConfig>;
