/**
 * The AgentBox source (scitix Agent-Sandbox): one stream per container, of a named sandbox or of
 * every `Running` sandbox (optionally of one pool), polled through the "last N lines" window or
 * followed over NDJSON. Stream key: `<source>/<sandbox>/<container>`. The sandbox list (or the
 * named sandbox) is read again every `discover_interval`: sandboxes that stop are released (a
 * sandbox that is gone already ends its own stream, 404 on its next poll).
 */
import type { AgentboxSourceConfig } from './config.ts';
import type { SourceDeps } from '../types.ts';
import { streamSpec, type Source, type StreamSpec } from '../types.ts';
import { createHandOff } from '../shared/hand-off.ts';
import { AgentboxClient } from './client.ts';
import { WindowCursor } from './cursor.ts';
import { discoverContainers, type ContainerRef } from './discovery.ts';
import { createFollower } from './follower.ts';
import { createPoller, type PollState } from './poller.ts';
import { MAX_LINES, type ContainerTarget } from './target.ts';

/** Discovery more often than this would only load the server. */
const MIN_DISCOVER_MS = 50;

export function createAgentboxSource(config: AgentboxSourceConfig, _deps: SourceDeps): Source {
  const client = new AgentboxClient(config);

  function spec({ sandbox, container }: ContainerRef): StreamSpec {
    const resource: Record<string, string> = { 'agentbox.sandbox.id': sandbox.id };
    if (sandbox.namespace !== undefined) resource['k8s.namespace.name'] = sandbox.namespace;
    if (sandbox.podName !== undefined) resource['k8s.pod.name'] = sandbox.podName;
    const target: ContainerTarget = {
      sourceName: config.name,
      sandbox: sandbox.id,
      container,
      runtime: config.runtime,
      lines: Math.min(config.lines, MAX_LINES),
      pollIntervalMs: config.poll_interval,
    };
    return streamSpec({
      descriptor: { key: `${config.name}/${sandbox.id}/${container}`, resource },
      cursor: WindowCursor,
      createFollower(ctx, cursor) {
        const handOff = createHandOff({ source: config.name, stream: ctx.descriptor.key, sink: ctx.sink, events: ctx.events, stage: ctx.stage, cursor });
        const state: PollState = { cursor, handOff, versionLogged: false, malformed: '' };
        return config.follow ? createFollower(client, target, ctx, state) : createPoller(client, target, ctx, state);
      },
    });
  }

  const named = config.sandbox;
  if (named !== undefined && config.container !== undefined) {
    const container = config.container;
    // One named stream: listed once; its own polls tell when the sandbox is gone (404).
    return {
      async listStreams(signal) {
        const sandbox = await client.getSandbox(named, signal);
        return [spec({ sandbox: { ...(sandbox ?? { status: 'Unknown', namespace: undefined, podName: undefined, pool: undefined, containers: [] }), id: named }, container })];
      },
    };
  }

  return {
    discoverIntervalMs: Math.max(MIN_DISCOVER_MS, config.discover_interval),
    async listStreams(signal) {
      const refs = await discoverContainers(
        client,
        { sandbox: config.sandbox, container: config.container, pool: config.pool, runtime: config.runtime },
        signal,
      );
      return refs.map(spec);
    },
  };
}
