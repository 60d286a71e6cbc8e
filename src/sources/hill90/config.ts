// The keys of a `type: hill90` source (DESIGN §3): one agent, or every running agent.
import { z } from 'zod';
import { duration, fieldInfo, httpUrl, identifier, requireOneSecret, secretKeys, text, whenObject } from '../../config/fields.ts';
import { sourceObject } from '../../config/source-keys.ts';

const bearer = z
  .strictObject({
    type: z.literal('bearer'),
    ...secretKeys('token', 'A long-lived Hill90 access token.', '${env:HILL90_TOKEN}'),
  })
  .superRefine(requireOneSecret('token'), whenObject)
  .meta({ description: 'A fixed access token, inline or from a file re-read when it changes.' });

const tokenUrl = httpUrl.meta({ description: 'OIDC token endpoint (client-credentials grant).', examples: ['https://auth.hill90.com/realms/hill90/protocol/openid-connect/token'] });
fieldInfo.add(tokenUrl, { hint: 'use an absolute URL starting with http:// or https://' });

const oidc = z
  .strictObject({
    type: z.literal('oidc'),
    token_url: tokenUrl,
    client_id: text().meta({ description: 'OIDC client id.', examples: ['log-exporter'] }),
    ...secretKeys('client_secret', 'OIDC client secret.', '${env:HILL90_CLIENT_SECRET}'),
    scope: text().optional().meta({ description: 'The `scope` form value of the token request, when the realm wants one (none sent by default).', examples: ['openid'] }),
  })
  .superRefine(requireOneSecret('client_secret'), whenObject)
  .meta({ description: 'OIDC client credentials: a token is fetched, shared by every stream of the source, and renewed before it expires (the server ends a stream when its token expires).' });

const auth = z.discriminatedUnion('type', [bearer, oidc]).meta({
  description: 'How requests are authorized (required).',
  examples: [{ type: 'bearer', token: '${env:HILL90_TOKEN}' }, { type: 'oidc', token_url: 'https://auth.example.com/token', client_id: 'log-exporter', client_secret_file: '/var/run/secrets/hill90/client-secret' }],
});
fieldInfo.add(auth, { hint: 'auth: {type: bearer, token: ${env:HILL90_TOKEN}}, or {type: oidc, token_url, client_id, client_secret}' });

export const hill90Config = sourceObject('hill90', {
  endpoint: httpUrl.default('https://api.hill90.com').meta({ description: 'Hill90 API base URL.' }),
  auth,
  agent_id: identifier().optional().meta({ description: 'One agent to follow; omitted: every `running` agent the token can see (GET /agents, re-listed every discover_interval).', examples: ['3c90c3cc-0d44-4b50-8888-8dd25736052a'] }),
  tail: z.int().min(0).max(5000).default(100).meta({ description: 'Events the server replays on each (re)connect; more missed than this while disconnected is a counted gap.' }),
  discover_interval: duration('30s').meta({ description: 'How often the agent list is read again (discovery).' }),
});

export type Hill90SourceConfig = z.output<typeof hill90Config>;
