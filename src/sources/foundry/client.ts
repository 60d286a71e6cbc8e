/**
 * Foundry project REST calls (PLATFORMS §1): URLs, the headers every call sends,
 * and the paged session listing.
 */
import { httpRequest } from '../../util/http-request.ts';
import type { FoundrySourceConfig } from './config.ts';
import { httpError } from '../shared/http-outcome.ts';

/** Every call sends both preview flags, comma-joined, as the current JS SDK does. */
export const FOUNDRY_FEATURES = 'HostedAgents=V1Preview,AgentEndpoints=V1Preview';

export interface FoundrySession {
  id: string;
  version: string | undefined;
  versionType: string | undefined;
  status: string;
}

export interface TokenProvider {
  getToken(signal: AbortSignal): Promise<string>;
}


export class FoundryClient {
  readonly #base: string;
  readonly #apiVersion: string;
  readonly #tokens: TokenProvider;
  readonly #isolationKey: string | undefined;

  constructor(config: FoundrySourceConfig, tokens: TokenProvider) {
    this.#base = config.endpoint.replace(/\/+$/, '');
    this.#apiVersion = config.api_version;
    this.#tokens = tokens;
    this.#isolationKey = config.user_isolation_key ?? undefined;
  }

  logstreamUrl(agent: string, version: string, session: string): string {
    const path = `/agents/${encodeURIComponent(agent)}/versions/${encodeURIComponent(version)}/sessions/${encodeURIComponent(session)}:logstream`;
    return `${this.#base}${path}?api-version=${encodeURIComponent(this.#apiVersion)}`;
  }

  async headers(signal: AbortSignal, accept = 'text/event-stream'): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.#tokens.getToken(signal)}`,
      accept,
      'foundry-features': FOUNDRY_FEATURES,
    };
    if (this.#isolationKey) headers['x-ms-user-isolation-key'] = this.#isolationKey;
    return headers;
  }

  /** Every session of the agent, following `has_more` / `last_id` pages. */
  async listSessions(agent: string, signal: AbortSignal): Promise<FoundrySession[]> {
    const sessions: FoundrySession[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const query = new URLSearchParams({ 'api-version': this.#apiVersion, limit: '100', order: 'asc' });
      if (after) query.set('after', after);
      const url = `${this.#base}/agents/${encodeURIComponent(agent)}/endpoint/sessions?${query.toString()}`;
      const response = await httpRequest(url, { headers: await this.headers(signal, 'application/json'), signal });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        throw httpError(`listing sessions of agent ${agent}`, response.statusCode, response.headers, text);
      }
      const body = JSON.parse(text) as { data?: unknown[]; has_more?: boolean; last_id?: string };
      for (const item of body.data ?? []) {
        const s = item as { agent_session_id?: unknown; status?: unknown; version_indicator?: { type?: unknown; agent_version?: unknown } };
        if (typeof s.agent_session_id !== 'string') continue;
        sessions.push({
          id: s.agent_session_id,
          version: typeof s.version_indicator?.agent_version === 'string' ? s.version_indicator.agent_version : undefined,
          versionType: typeof s.version_indicator?.type === 'string' ? s.version_indicator.type : undefined,
          status: typeof s.status === 'string' ? s.status : 'unknown',
        });
      }
      if (!body.has_more || !body.last_id || body.last_id === after) break;
      after = body.last_id;
    }
    return sessions;
  }
}
