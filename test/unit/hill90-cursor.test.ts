// The Hill90 seen-id cursor and the OIDC token cache, on their own.
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SeenIds } from '../../src/sources/hill90/seen-ids.ts';
import { createOidcTokenProvider, TokenError } from '../../src/sources/hill90/token-provider.ts';

describe('Hill90 seen ids', () => {
  it('skips known ids, keeps each family bounded, and treats what is older than an evicted event as old', () => {
    const seen = SeenIds.parse(undefined, 3);
    for (let i = 0; i < 5; i++) expect(seen.admit(`c${i}`, 'container', 1000 + i)).toBe(true);
    expect(seen.admit('inference-a', 'inference', 900)).toBe(true);
    expect(seen.admit('c4', 'container', 1004)).toBe(false);
    // c0 and c1 were evicted: c1 (1001) is the floor; an unknown id older than it is old history.
    expect(seen.admit('c-unknown-old', 'container', 1000)).toBe(false);
    // The same millisecond as the floor may be a new event.
    expect(seen.admit('c-same-ms', 'container', 1001)).toBe(true);
    // The container burst did not push the inference id out.
    expect(seen.admit('inference-a', 'inference', 900)).toBe(false);
    expect(seen.hasHistory('inference')).toBe(true);
  });

  it('survives a restart through its serialized form', () => {
    const seen = SeenIds.parse(undefined, 10);
    seen.admit('a', 'container', 5);
    seen.admit('inference-b', 'inference', undefined);
    const restored = SeenIds.parse(seen.serialize(), 10);
    expect(restored.admit('a', 'container', 5)).toBe(false);
    expect(restored.admit('inference-b', 'inference', undefined)).toBe(false);
    expect(restored.admit('c', 'container', 6)).toBe(true);
    // A smaller capacity (tail lowered in the config) trims the oldest.
    const trimmed = SeenIds.parse(restored.serialize(), 1);
    expect(trimmed.admit('c', 'container', 6)).toBe(false);
    // 'a' (5 ms) was evicted: unknown ids older than that are old; the same ms is not decided by the floor.
    expect(trimmed.admit('z', 'container', 4)).toBe(false);
    expect(trimmed.admit('y', 'container', 5)).toBe(true);
  });
});

describe('Hill90 OIDC token cache', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  async function tokenServer(answer: (n: number) => { status: number; body: unknown }) {
    let n = 0;
    const forms: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        forms.push(body);
        const a = answer(++n);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => server.close();
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}/token`, forms, count: () => n };
  }

  it('caches one token for concurrent callers and refreshes it before expiry', async () => {
    const server = await tokenServer((n) => ({ status: 200, body: { access_token: `tok-${n}`, expires_in: 100, token_type: 'Bearer' } }));
    let now = 1_000_000;
    const tokens = createOidcTokenProvider({ tokenUrl: server.url, clientId: 'id', clientSecret: 'se cret&', scope: 'logs', now: () => now });
    const signal = new AbortController().signal;
    expect(await Promise.all([tokens.getToken(signal), tokens.getToken(signal)])).toEqual(['tok-1', 'tok-1']);
    expect(server.count()).toBe(1);
    expect(new URLSearchParams(server.forms[0])).toEqual(new URLSearchParams({ grant_type: 'client_credentials', client_id: 'id', client_secret: 'se cret&', scope: 'logs' }));
    now += 79_000; // before 80 % of the life
    expect(await tokens.getToken(signal)).toBe('tok-1');
    now += 2_000; // past it: refreshed while the old one is still valid
    expect(await tokens.getToken(signal)).toBe('tok-2');
    tokens.invalidate('tok-2');
    expect(await tokens.getToken(signal)).toBe('tok-3');
  });

  it('a refused client is a TokenError marked refused, without the secret', async () => {
    const server = await tokenServer(() => ({ status: 401, body: { error: 'invalid_client', error_description: 'Invalid client credentials' } }));
    const tokens = createOidcTokenProvider({ tokenUrl: server.url, clientId: 'id', clientSecret: 'very-secret' });
    const error = await tokens.getToken(new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).refused).toBe(true);
    expect((error as TokenError).message).toBe('token request refused: HTTP 401: invalid_client');
  });
});
