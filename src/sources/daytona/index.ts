/**
 * The Daytona source: one named command, or every command (and the entrypoint) of a sandbox, of
 * one of its sessions, or of every started sandbox matching `sandbox_labels` (discovery).
 * Stream keys: `<source>/<sandbox>/<session>/<command>`, and `<source>/<sandbox>/entrypoint`.
 */
import type { DaytonaSourceConfig } from './config.ts';
import type { SourceDeps } from '../types.ts';
import { streamSpec, type Attributes, type Source, type StreamSpec } from '../types.ts';
import { DaytonaClient } from './client.ts';
import { DaytonaCursor } from './cursor.ts';
import { createDiscovery, type DaytonaTargetRef } from './discovery.ts';
import { createDaytonaFollower, DEFAULT_FOLLOWER_TIMING, type DaytonaFollowerTiming } from './follower.ts';

export function createDaytonaSource(
  config: DaytonaSourceConfig,
  deps: SourceDeps,
  timing: DaytonaFollowerTiming = DEFAULT_FOLLOWER_TIMING,
): Source {
  const client = new DaytonaClient(config);
  const discovery = createDiscovery(client, config, deps.events);

  function spec(ref: DaytonaTargetRef): StreamSpec {
    const resource: Attributes = {
      'daytona.sandbox.id': ref.toolbox.sandboxId,
      'daytona.session.id': ref.sessionId,
      'daytona.command.id': ref.commandId,
    };
    if (ref.commandLine !== undefined) resource['process.command_line'] = ref.commandLine;
    return streamSpec({
      descriptor: { key: ref.key, resource },
      cursor: DaytonaCursor,
      createFollower: (ctx, cursor) =>
        createDaytonaFollower(
          client,
          {
            sourceName: config.name,
            toolbox: ref.toolbox,
            kind: ref.kind,
            sessionId: ref.sessionId,
            commandId: ref.commandId,
            onFinished: () => discovery.markFinished(ref.key),
          },
          ctx,
          cursor,
          timing,
        ),
    });
  }

  const { sandbox, session, command } = config;
  if (sandbox && session && command) {
    // One named command: listed once. Its command line is read when the session answers.
    return {
      async listStreams(signal) {
        const toolbox = await client.toolbox(sandbox, signal);
        const listed = await client.getSession(toolbox, session, signal);
        const found = listed.ok ? listed.value?.commands.find((c) => c.id === command) : undefined;
        return [
          spec({ key: `${config.name}/${sandbox}/${session}/${command}`, toolbox, kind: 'command', sessionId: session, commandId: command, commandLine: found?.command }),
        ];
      },
    };
  }

  return {
    discoverIntervalMs: config.discover_interval,
    async listStreams(signal) {
      return (await discovery.list(signal)).map(spec);
    },
  };
}
