/**
 * Foundry `auth: {type: azure}`: Entra ID tokens for https://ai.azure.com/.default from
 * @azure/identity's DefaultAzureCredential (environment, workload identity, managed identity,
 * then developer sign-ins such as the Azure CLI). Tokens are cached and renewed ahead of expiry:
 * inside the renewal window the cached token is still handed out while one renewal runs in the
 * background, so a slow identity endpoint never stalls a reconnect.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { TokenProvider } from './client.ts';
import { clip } from '../../util/clip.ts';
import { SourceError } from '../../errors.ts';

export const FOUNDRY_SCOPE = 'https://ai.azure.com/.default';

/** The credential kinds DefaultAzureCredential tries, in its order. */
export const CREDENTIALS_TRIED =
  'environment (AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a certificate), workload identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI';

/** What a person can do about it, on a workstation, in a cluster, on Azure compute. */
export const AZURE_AUTH_FIX =
  'on a workstation run `az login`; in Kubernetes use workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, set by the webhook on a labelled pod whose service account is annotated); on Azure compute assign a managed identity with access to the project';

/** No token could be obtained; the message is one line and never holds a token. */
export class TokenUnavailableError extends SourceError {
  constructor(reason: string) {
    super('TOKEN_UNAVAILABLE', `no Entra ID token for ${FOUNDRY_SCOPE}: tried ${CREDENTIALS_TRIED}; none gave one (${reason}). Fix: ${AZURE_AUTH_FIX}`);
    this.name = 'TokenUnavailableError';
  }
}

export interface AzureTokenOptions {
  /** Built on first use (constructing it reads the environment only). Default: DefaultAzureCredential. */
  credential?: () => TokenCredential;
  /** Renew this long before expiry (at most half the token's lifetime). Default 5 minutes. */
  renewBeforeMs?: number;
  /** Least time between background renewal attempts after one failed. */
  retryAfterFailureMs?: number;
  now?: () => number;
}

interface Cached {
  token: string;
  expiresAt: number;
  renewAt: number;
}

/**
 * The credential's message condensed to one sentence: the chain writes a paragraph per credential
 * tried (with the IMDS probe's details); the kinds are named by the message itself.
 */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  // ChainedTokenCredential: "… Summary of errors:" then "EnvironmentCredential: …" per credential.
  const first = lines.find((l) => /^[A-Za-z]+Credential: /.test(l)) ?? lines[0] ?? 'no reason given';
  return clip(first, 200);
}

export function createAzureTokenProvider(options: AzureTokenOptions = {}): TokenProvider {
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 10_000;
  let credential: TokenCredential | undefined;
  let cached: Cached | undefined;
  let pending: Promise<Cached> | undefined;
  let nextBackgroundAttempt = 0;

  function renew(): Promise<Cached> {
    pending ??= (async () => {
      try {
        credential ??= options.credential?.() ?? new DefaultAzureCredential();
        const got = await credential.getToken(FOUNDRY_SCOPE);
        if (!got) throw new Error('the credential chain returned no token');
        const lifetime = Math.max(0, got.expiresOnTimestamp - now());
        const renewAt = got.refreshAfterTimestamp ?? got.expiresOnTimestamp - Math.min(renewBeforeMs, lifetime / 2);
        cached = { token: got.token, expiresAt: got.expiresOnTimestamp, renewAt };
        return cached;
      } catch (error) {
        throw error instanceof TokenUnavailableError ? error : new TokenUnavailableError(reasonOf(error));
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  return {
    async getToken(signal) {
      const t = now();
      if (cached && t < cached.renewAt) return cached.token;
      if (cached && t < cached.expiresAt - 1_000) {
        // Still valid: answer now, renew behind it (a failure is retried, and surfaces once the token expires).
        if (t >= nextBackgroundAttempt) {
          nextBackgroundAttempt = t + retryAfterFailureMs;
          renew().then(
            () => (nextBackgroundAttempt = 0),
            () => undefined,
          );
        }
        return cached.token;
      }
      signal.throwIfAborted();
      const fresh = await new Promise<Cached>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        renew().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
      return fresh.token;
    },
  };
}
