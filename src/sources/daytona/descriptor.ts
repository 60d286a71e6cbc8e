// Daytona session commands, as the registry lists them.
import { definePlatform } from '../platform.ts';
import { daytonaConfig } from './config.ts';
import { createDaytonaSource } from './index.ts';

export const daytona = definePlatform({
  type: 'daytona',
  title: 'Daytona session commands',
  summary: 'one command, every command (and the entrypoint) of a sandbox, or of every started sandbox with given labels; WebSocket follow with byte-offset resume',
  replay: "the command's whole log",
  config: daytonaConfig,
  // Resource: daytona.sandbox.id, daytona.session.id, daytona.command.id, process.command_line.
  recordAttributes: { keys: ['log.iostream', 'process.exit.code'], prefixes: ['daytona.'] },
  create: createDaytonaSource,
});
