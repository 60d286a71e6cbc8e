/**
 * The Hill90 source: one named agent, or every `running` agent the token can see (discovery
 * through `GET /agents`; agents no longer running are released). Stream key: `<source>/<agent id>`.
 */
import { secretOf } from '../../config/secret-value.ts';
import type { Hill90SourceConfig } from './config.ts';
import type { SourceDeps } from '../types.ts';
import { streamSpec, type Source, type StreamSpec } from '../types.ts';
import { Hill90Client } from './client.ts';
import { createHill90Follower } from './follower.ts';
import { capacityFor, SeenIds } from './seen-ids.ts';
import { createOidcTokenProvider, createStaticTokenProvider, type TokenProvider } from './token-provider.ts';

function tokenProvider(auth: Hill90SourceConfig['auth']): TokenProvider {
  if (auth.type === 'bearer') {
    const token = secretOf(auth, 'token');
    return createStaticTokenProvider(() => token.current());
  }
  const clientSecret = secretOf(auth, 'client_secret');
  return createOidcTokenProvider({ tokenUrl: auth.token_url, clientId: auth.client_id, clientSecret: () => clientSecret.current(), scope: auth.scope });
}

export function createHill90Source(config: Hill90SourceConfig, _deps: SourceDeps): Source {
  const client = new Hill90Client(config.endpoint, tokenProvider(config.auth));

  function spec(agentId: string, name: string | undefined): StreamSpec {
    return streamSpec({
      descriptor: {
        key: `${config.name}/${agentId}`,
        resource: { 'gen_ai.agent.id': agentId, ...(name !== undefined ? { 'gen_ai.agent.name': name } : {}) },
      },
      cursor: SeenIds.format(capacityFor(config.tail)),
      createFollower: (ctx, cursor) => createHill90Follower(client, { sourceName: config.name, agentId, tail: config.tail }, ctx, cursor),
    });
  }

  if (config.agent_id) {
    const named = spec(config.agent_id, undefined);
    return { listStreams: () => Promise.resolve([named]) };
  }

  return {
    discoverIntervalMs: config.discover_interval,
    async listStreams(signal) {
      // Other statuses answer 409 on the events route (PLATFORMS §2.7): only running agents are followed.
      const agents = await client.listAgents(signal);
      return agents.filter((a) => a.status === 'running').map((a) => spec(a.id, a.name));
    },
  };
}
