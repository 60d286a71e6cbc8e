// A sandbox with its sessions, commands and optional entrypoint, as the API and the toolbox show it.
import { randomUUID } from 'node:crypto';
import { createCommandRecord, type CommandRecord } from './command.ts';
import type { CommandHandle, DaytonaFaults, SandboxHandle, SessionHandle } from './types.ts';

export interface SessionRecord {
  handle: SessionHandle;
  commands: Map<string, CommandRecord>;
  dto(): { sessionId: string; commands: ReturnType<CommandRecord['dto']>[] };
}

export interface SandboxRecord {
  handle: SandboxHandle;
  readonly labels: Record<string, string>;
  readonly state: string;
  readonly createdAt: string;
  sessions: Map<string, SessionRecord>;
  entrypoint: CommandRecord | undefined;
  dto(toolboxProxyUrl: string): Record<string, unknown>;
  dispose(): void;
}

export const ENTRYPOINT_SESSION = 'entrypoint';
export const ENTRYPOINT_COMMAND = 'entrypoint_command';

export function createSandboxRecord(
  opts: { id?: string; name?: string; labels?: Record<string, string>; state?: string },
  defaults: DaytonaFaults,
  ordinal: number,
): SandboxRecord {
  const id = opts.id ?? randomUUID();
  const name = opts.name ?? id;
  let labels = { ...opts.labels };
  let state = opts.state ?? 'started';
  // Distinct, increasing creation times keep the list order stable.
  const createdAt = new Date(Date.UTC(2026, 0, 1) + ordinal * 1000).toISOString();
  const sessions = new Map<string, SessionRecord>();
  let entrypoint: CommandRecord | undefined;

  const addSession = (sessionId: string): SessionHandle => {
    if (sessions.has(sessionId) || sessionId === ENTRYPOINT_SESSION) throw new Error(`session ${sessionId} already exists`);
    const commands = new Map<string, CommandRecord>();
    const handle: SessionHandle = {
      sandboxId: id,
      id: sessionId,
      addCommand(c) {
        if (c.id !== undefined && commands.has(c.id)) throw new Error(`command ${c.id} already exists`);
        const record = createCommandRecord({ sandboxId: id, sessionId, id: c.id, command: c.command }, defaults, c.faults);
        commands.set(record.handle.id, record);
        return record.handle;
      },
      getCommand: (commandId) => commands.get(commandId)?.handle,
      delete() {
        for (const c of commands.values()) c.dispose();
        sessions.delete(sessionId);
      },
    };
    sessions.set(sessionId, { handle, commands, dto: () => ({ sessionId, commands: [...commands.values()].map((c) => c.dto()) }) });
    return handle;
  };

  const handle: SandboxHandle = {
    id,
    name,
    get state() {
      return state;
    },
    addSession,
    getSession: (sessionId) => sessions.get(sessionId)?.handle,
    setEntrypoint(command, faults): CommandHandle {
      entrypoint?.dispose();
      entrypoint = createCommandRecord({ sandboxId: id, sessionId: ENTRYPOINT_SESSION, id: ENTRYPOINT_COMMAND, command }, defaults, faults);
      return entrypoint.handle;
    },
    get entrypoint() {
      return entrypoint?.handle;
    },
    setState(next) {
      // Stopping kills the daemon: its sockets drop, and sessions (kept in its memory) are gone when it starts again.
      if (state === 'started' && next !== 'started') {
        for (const session of sessions.values()) for (const c of session.commands.values()) c.kill();
        sessions.clear();
        entrypoint?.kill();
        entrypoint = undefined;
      }
      state = next;
    },
    setLabels(next) {
      labels = { ...next };
    },
  };

  return {
    handle,
    get labels() {
      return labels;
    },
    get state() {
      return state;
    },
    createdAt,
    sessions,
    get entrypoint() {
      return entrypoint;
    },
    dto(toolboxProxyUrl) {
      return {
        id,
        name,
        organizationId: 'org-emulator',
        state,
        desiredState: state,
        labels,
        target: 'us',
        toolboxProxyUrl,
        createdAt,
        updatedAt: createdAt,
        lastActivityAt: createdAt,
        daemonVersion: 'v0.180.0',
        cpu: 1,
        gpu: 0,
        memory: 1,
        disk: 3,
        user: 'daytona',
        env: {},
        public: false,
        networkBlockAll: false,
      };
    },
    dispose() {
      for (const s of sessions.values()) for (const c of s.commands.values()) c.dispose();
      entrypoint?.dispose();
    },
  };
}
