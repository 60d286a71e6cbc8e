/**
 * Hill90 REST calls (PLATFORMS §2): the events URL, the bearer header, and the agent listing.
 */
import { undici } from '../../util/undici.ts';
import { httpError } from '../shared/http-outcome.ts';
import { PlatformError } from '../errors.ts';
import type { TokenProvider } from './token-provider.ts';

export interface Hill90Agent {
  id: string;
  name: string | undefined;
  status: string;
}

export class Hill90Client {
  readonly #base: string;
  readonly tokens: TokenProvider;

  constructor(endpoint: string, tokens: TokenProvider) {
    this.#base = endpoint.replace(/\/+$/, '');
    this.tokens = tokens;
  }

  /** `follow=true` selects SSE; each connection replays the last `tail` events of each kind. */
  eventsUrl(agentId: string, tail: number): string {
    return `${this.#base}/agents/${encodeURIComponent(agentId)}/events?tail=${tail}&follow=true`;
  }

  /** Every agent the token can see (a plain array, no paging). */
  async listAgents(signal: AbortSignal): Promise<Hill90Agent[]> {
    const token = await this.tokens.getToken(signal);
    const response = await (await undici()).request(`${this.#base}/agents`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      if (response.statusCode === 401) this.tokens.invalidate(token);
      throw httpError('listing agents', response.statusCode, response.headers, text);
    }
    const body: unknown = JSON.parse(text);
    if (!Array.isArray(body)) throw new PlatformError('listing agents failed: the answer is not a JSON array');
    const agents: Hill90Agent[] = [];
    for (const item of body as Record<string, unknown>[]) {
      if (typeof item !== 'object' || item === null || typeof item.id !== 'string' || item.id === '') continue;
      agents.push({
        id: item.id,
        name: typeof item.name === 'string' && item.name !== '' ? item.name : undefined,
        status: typeof item.status === 'string' ? item.status : 'unknown',
      });
    }
    return agents;
  }
}
