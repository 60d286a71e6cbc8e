/**
 * npm undici, loaded on first use. Importing it loads Node's http2, tls, web streams and its
 * WebAssembly parser: ~12 MB of a sidecar's memory (issue 14) that a daemon following only
 * Foundry (Node's own http client) never needs. Hill90, Daytona and AgentBox calls await this.
 */
import type * as Undici from 'undici';

let loading: Promise<typeof Undici> | undefined;

export function undici(): Promise<typeof Undici> {
  return (loading ??= import('undici'));
}
