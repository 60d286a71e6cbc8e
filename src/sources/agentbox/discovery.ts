/**
 * Which containers to follow: a named sandbox's containers, or those of every `Running` sandbox
 * (optionally of one pool). A sandbox that is no longer Running (or gone) lists nothing, so its
 * streams are released.
 */
import type { AgentboxClient } from './client.ts';
import type { Sandbox } from './parser.ts';

export interface ContainerRef {
  sandbox: Sandbox;
  container: string;
}

export interface DiscoveryOptions {
  sandbox: string | undefined;
  container: string | undefined;
  pool: string | undefined;
  runtime: string | undefined;
}

/** The containers a sandbox's logs cover, when its listing names none (`containers` of a one-line probe). */
async function probeContainers(client: AgentboxClient, sandbox: Sandbox, runtime: string | undefined, signal: AbortSignal): Promise<string[]> {
  const result = await client.logs({ sandbox: sandbox.id, container: undefined, lines: 1, runtime }, signal);
  if (result.kind !== 'ok') return [];
  try {
    const body = JSON.parse(result.text) as { containers?: unknown; entries?: { container?: unknown }[] };
    if (Array.isArray(body.containers)) return body.containers.filter((c): c is string => typeof c === 'string');
    return [...new Set((body.entries ?? []).map((e) => e.container).filter((c): c is string => typeof c === 'string'))];
  } catch {
    return [];
  }
}

async function containersOf(client: AgentboxClient, sandbox: Sandbox, o: DiscoveryOptions, signal: AbortSignal): Promise<ContainerRef[]> {
  if (o.container !== undefined) return [{ sandbox, container: o.container }];
  const names = sandbox.containers.length > 0 ? sandbox.containers : await probeContainers(client, sandbox, o.runtime, signal);
  return names.map((container) => ({ sandbox, container }));
}

export async function discoverContainers(client: AgentboxClient, o: DiscoveryOptions, signal: AbortSignal): Promise<ContainerRef[]> {
  if (o.sandbox !== undefined) {
    const sandbox = await client.getSandbox(o.sandbox, signal);
    if (sandbox === undefined || sandbox.status !== 'Running') return [];
    // The server strips its own cluster prefix from ids; keep the id as configured.
    return containersOf(client, { ...sandbox, id: o.sandbox }, o, signal);
  }
  const running = (await client.listRunning(o.pool, signal)).filter((s) => s.status === 'Running' && (o.pool === undefined || s.pool === undefined || s.pool === o.pool));
  const refs: ContainerRef[] = [];
  for (const sandbox of running) refs.push(...(await containersOf(client, sandbox, o, signal)));
  return refs;
}
