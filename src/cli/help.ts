/** Help texts, printed from the command table: the overview and each command's own page. */
import { PLATFORMS } from '../sources/registry.ts';
import { VERSION } from '../version.ts';
import { COMMANDS, GLOBAL_OPTIONS, SIGNALS_TEXT, type CommandSpec, type OptionSpec } from './commands.ts';

const NAME = 'agent-log-exporter';

function optionLines(options: OptionSpec[]): string[] {
  const heads = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return options.map((o, i) => `  ${heads[i]!.padEnd(width)}${o.description}`);
}

export function overviewHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const typeWidth = Math.max(...PLATFORMS.map((p) => p.type.length)) + 2;
  return `${NAME} ${VERSION}
Ships the console logs and events of AI-agent sandboxes to an OpenTelemetry endpoint
over OTLP/HTTP, resuming exactly where each stream stopped.

Platforms (a source's type:):
${PLATFORMS.map((p) => `  ${p.type.padEnd(typeWidth)}${p.title}`).join('\n')}

Usage: ${NAME} [COMMAND] [OPTIONS]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Options of every command:
${optionLines(GLOBAL_OPTIONS).join('\n')}

\`${NAME} COMMAND --help\` (or \`${NAME} help COMMAND\`) shows a command's options and examples.
Config path: --config, else $AGENT_LOG_EXPORTER_CONFIG, else ./agent-log-exporter.yaml.
Exit codes: 0 clean stop, 1 fatal runtime error, 2 bad usage or invalid config.
${SIGNALS_TEXT}
`;
}

export function commandHelp(command: CommandSpec): string {
  return `Usage:
${command.usage.map((u) => `  ${NAME} ${u}`).join('\n')}

${command.description}

Options:
${optionLines([...command.options, ...GLOBAL_OPTIONS]).join('\n')}

Example${command.examples.length > 1 ? 's' : ''}:
${command.examples.map((e) => `  ${e}`).join('\n')}
`;
}
