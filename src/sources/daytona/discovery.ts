/**
 * What a Daytona source follows now (PLATFORMS §3.8): the started sandboxes matching
 * `sandbox_labels` (or the one `sandbox`), and in each every session command and the entrypoint.
 * A sandbox whose toolbox cannot be listed this round keeps the streams it had (a transient error
 * must not stop and restart its followers); commands whose stream finished are not listed again.
 */
import type { DaytonaSourceConfig } from './config.ts';
import type { Events } from '../../telemetry/events.ts';
import type { DaytonaClient, DaytonaCommand, Toolbox } from './client.ts';

/** One stream to follow: a session command or the sandbox's entrypoint. */
export interface DaytonaTargetRef {
  key: string;
  toolbox: Toolbox;
  kind: 'command' | 'entrypoint';
  sessionId: string;
  commandId: string;
  commandLine: string | undefined;
}

export const ENTRYPOINT_SESSION = 'entrypoint';
const ENTRYPOINT_COMMAND = 'entrypoint_command';

export interface Discovery {
  list(signal: AbortSignal): Promise<DaytonaTargetRef[]>;
  /** This stream is done for good: do not list it again while the platform still shows it. */
  markFinished(key: string): void;
}

export function createDiscovery(client: DaytonaClient, config: DaytonaSourceConfig, events: Events): Discovery {
  const finished = new Set<string>();
  const lastBySandbox = new Map<string, DaytonaTargetRef[]>();
  const toolboxes = new Map<string, Toolbox>();

  const keyOf = (sandboxId: string, sessionId: string, commandId?: string): string =>
    commandId === undefined ? `${config.name}/${sandboxId}/${ENTRYPOINT_SESSION}` : `${config.name}/${sandboxId}/${sessionId}/${commandId}`;

  const commandRef = (toolbox: Toolbox, sessionId: string, command: DaytonaCommand): DaytonaTargetRef => ({
    key: keyOf(toolbox.sandboxId, sessionId, command.id),
    toolbox,
    kind: 'command',
    sessionId,
    commandId: command.id,
    commandLine: command.command,
  });

  async function toolboxOf(sandboxId: string, signal: AbortSignal, known?: string): Promise<Toolbox> {
    const cached = toolboxes.get(sandboxId);
    if (cached && (known === undefined || cached.base.startsWith(known.replace(/\/+$/, '')))) return cached;
    const toolbox = await client.toolbox(sandboxId, signal, known);
    toolboxes.set(sandboxId, toolbox);
    return toolbox;
  }

  /** Every stream of one sandbox (or of its one configured session). */
  async function listSandbox(toolbox: Toolbox, signal: AbortSignal): Promise<DaytonaTargetRef[]> {
    const refs: DaytonaTargetRef[] = [];
    if (config.session) {
      const session = await client.getSession(toolbox, config.session, signal);
      if (session.ok) for (const c of session.value?.commands ?? []) refs.push(commandRef(toolbox, config.session, c));
      else if (session.status !== 404) throw new Error(`reading session ${config.session} of sandbox ${toolbox.sandboxId} failed: HTTP ${session.status}`);
      return refs;
    }
    for (const session of await client.listSessions(toolbox, signal)) {
      for (const c of session.commands) refs.push(commandRef(toolbox, session.sessionId, c));
    }
    if (config.entrypoint) {
      const entry = await client.getEntrypoint(toolbox, signal);
      if (entry.ok) {
        const command = entry.value?.commands[0];
        refs.push({
          key: keyOf(toolbox.sandboxId, ENTRYPOINT_SESSION),
          toolbox,
          kind: 'entrypoint',
          sessionId: ENTRYPOINT_SESSION,
          commandId: command?.id ?? ENTRYPOINT_COMMAND,
          commandLine: command?.command,
        });
      } else if (entry.status !== 404) {
        throw new Error(`reading the entrypoint of sandbox ${toolbox.sandboxId} failed: HTTP ${entry.status}`);
      }
    }
    return refs;
  }

  return {
    async list(signal) {
      const sandboxes = config.sandbox
        ? [{ id: config.sandbox, toolboxProxyUrl: undefined }]
        : await client.listSandboxes(config.sandbox_labels ?? {}, signal);
      const all: DaytonaTargetRef[] = [];
      const listedSandboxes = new Set<string>();
      for (const sandbox of sandboxes) {
        listedSandboxes.add(sandbox.id);
        try {
          const refs = await listSandbox(await toolboxOf(sandbox.id, signal, sandbox.toolboxProxyUrl), signal);
          lastBySandbox.set(sandbox.id, refs);
          all.push(...refs);
        } catch (error) {
          if (signal.aborted) throw error;
          const kept = lastBySandbox.get(sandbox.id) ?? [];
          events.sandboxListingFailed(config.name, sandbox.id, (error as Error).message, kept.length);
          all.push(...kept);
        }
      }
      for (const id of [...lastBySandbox.keys()]) if (!listedSandboxes.has(id)) lastBySandbox.delete(id);
      for (const id of [...toolboxes.keys()]) if (!listedSandboxes.has(id)) toolboxes.delete(id);
      // Forget finished keys the platform no longer shows; skip the ones it still shows.
      const keys = new Set(all.map((r) => r.key));
      for (const key of [...finished]) if (!keys.has(key)) finished.delete(key);
      return all.filter((r) => !finished.has(r.key));
    },
    markFinished(key) {
      finished.add(key);
    },
  };
}
