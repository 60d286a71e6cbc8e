// The keys of a `type: foundry` source (DESIGN §3): one session, or every session of an agent.
import { z } from 'zod';
import { duration, httpUrl, identifier, requireOneSecret, secretKeys, text, whenObject, fieldInfo } from '../../config/fields.ts';
import { isSet, sourceObject } from '../../config/source-keys.ts';

const endpoint = httpUrl.meta({
  description: 'Project endpoint of the Foundry project.',
  examples: ['https://my-resource.services.ai.azure.com/api/projects/my-project'],
});
fieldInfo.add(endpoint, { hint: 'the project endpoint, https://<resource>.services.ai.azure.com/api/projects/<project>' });

const agent = identifier().meta({ description: 'Hosted agent name; alone, every session of the agent is followed (re-listed every discover_interval).', examples: ['support-agent'] });
fieldInfo.add(agent, { hint: 'the hosted agent name; with only agent, every session of the agent is followed' });

const azure = z
  .strictObject({
    type: z.literal('azure'),
  })
  .meta({
    description:
      'Entra ID tokens for https://ai.azure.com/.default through the Azure Identity default chain: environment credentials, workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE), managed identity, then developer sign-ins (`az login`). Tokens are cached and renewed before they expire. Recommended in clusters, with workload identity.',
  });

const bearer = z
  .strictObject({
    type: z.literal('bearer'),
    ...secretKeys('token', 'Entra ID access token, e.g. from `az account get-access-token --resource https://ai.azure.com` (it lives about an hour: prefer token_file or type: azure).', '${env:FOUNDRY_TOKEN}'),
  })
  .superRefine(requireOneSecret('token'), whenObject)
  .meta({ description: 'A fixed access token, inline or from a file re-read when it changes.' });

export const foundryConfig = sourceObject('foundry', {
  endpoint,
  agent,
  version: identifier().optional().meta({ description: 'Agent version. With session: names one session. Without: only sessions of this version are followed.', examples: ['3'] }),
  session: identifier().optional().meta({ description: 'One session to follow (needs version).', examples: ['s_4b1e0c7a'] }),
  api_version: text().default('v1').meta({ description: 'The `api-version` query value of every call.' }),
  auth: z
    .discriminatedUnion('type', [azure, bearer])
    .prefault({ type: 'azure' })
    .meta({ description: 'How requests are authorized. Default {type: azure}.', examples: [{ type: 'azure' }, { type: 'bearer', token_file: '/var/run/secrets/foundry/token' }] }),
  drop_heartbeats: z.boolean().default(true).meta({ description: 'Drop the platform\'s "No logs since last N seconds" status lines.' }),
  discover_interval: duration('30s').meta({ description: 'How often the agent\'s sessions are listed again (discovery).' }),
  user_isolation_key: text().optional().meta({ description: 'Sent as the `x-ms-user-isolation-key` header, for agents whose sessions are isolated per user.', examples: ['${env:FOUNDRY_USER_KEY}'] }),
}).superRefine((s, ctx) => {
  if (isSet(s.session) && !isSet(s.version)) {
    ctx.addIssue({
      code: 'custom', path: ['session'], message: 'session requires version',
      params: { hint: 'add the agent version that runs the session, or remove session to follow every session of the agent' },
    });
  }
}, whenObject);

export type FoundrySourceConfig = z.output<typeof foundryConfig>;
