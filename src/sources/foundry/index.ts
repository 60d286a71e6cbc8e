/**
 * The Foundry source: one named session, or every session of an agent (discovery).
 * Stream key: `<source>/<agent>/<session>`.
 */
import { secretOf } from '../../config/secret-value.ts';
import type { FoundrySourceConfig } from './config.ts';
import type { SourceDeps } from '../types.ts';
import { streamSpec, type Source, type StreamSpec } from '../types.ts';
import { FoundryClient, type TokenProvider } from './client.ts';
import { createFoundryFollower } from './follower.ts';
import { TimestampCursor } from '../shared/timestamp-cursor.ts';

/** Session statuses whose log will not come back (PLATFORMS §1.7); others are followed. */
const GONE = new Set(['deleting', 'deleted', 'expired']);

function tokenProvider(config: FoundrySourceConfig, deps: SourceDeps): TokenProvider {
  const auth = config.auth;
  if (auth.type === 'bearer') {
    const token = secretOf(auth, 'token');
    return { getToken: () => Promise.resolve(token.current()) };
  }
  // Entra ID: a failure is counted and logged (once a minute) as an auth failure of this source;
  // the caller's reconnect or discovery backoff retries it.
  // @azure/identity is ~40 MB of loaded code: loaded only by a source that uses it, on first use.
  let azure: Promise<TokenProvider> | undefined;
  return {
    async getToken(signal) {
      try {
        azure ??= import('./azure-token.ts').then((m) => m.createAzureTokenProvider());
        return await (await azure).getToken(signal);
      } catch (error) {
        if (!signal.aborted) deps.events.tokenFailed(config.name, (error as Error).message);
        throw error;
      }
    },
  };
}

export function createFoundrySource(config: FoundrySourceConfig, deps: SourceDeps): Source {
  const client = new FoundryClient(config, tokenProvider(config, deps));
  const agent = config.agent;

  function spec(version: string, session: string): StreamSpec {
    return streamSpec({
      descriptor: {
        key: `${config.name}/${agent}/${session}`,
        resource: {
          'gen_ai.agent.name': agent,
          'gen_ai.agent.version': version,
          'session.id': session,
          'cloud.provider': 'azure',
        },
      },
      cursor: TimestampCursor,
      createFollower: (ctx, cursor) =>
        createFoundryFollower(client, { sourceName: config.name, agent, version, session, dropHeartbeats: config.drop_heartbeats }, ctx, cursor),
    });
  }

  if (config.session) {
    const named = spec(config.version ?? '', config.session);
    return { listStreams: () => Promise.resolve([named]) };
  }

  return {
    discoverIntervalMs: config.discover_interval,
    async listStreams(signal) {
      const sessions = await client.listSessions(agent, signal);
      const specs: StreamSpec[] = [];
      for (const session of sessions) {
        if (GONE.has(session.status)) continue;
        // `version` without `session`: follow the sessions of that agent version only.
        if (config.version !== undefined && session.version !== config.version) continue;
        if (session.versionType !== 'version_ref' || !session.version) {
          deps.events.discoverySkipped(config.name, session.id, session.versionType);
          continue;
        }
        specs.push(spec(session.version, session.id));
      }
      return specs;
    },
  };
}
