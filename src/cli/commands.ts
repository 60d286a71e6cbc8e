/**
 * Every command with its options, arguments and an example: the one table the parser checks
 * argv against and the help texts are printed from, so `--help` cannot drift from what is
 * accepted. A command gains an option by gaining a line here.
 */

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** The value's placeholder in help (`FILE`, `URL`, `D`); string options only. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** `agent-log-exporter <usage>` lines. */
  usage: string[];
  summary: string;
  /** A paragraph or two under the usage in `<cmd> --help`. */
  description: string;
  options: OptionSpec[];
  /** Positional arguments after the command name: at most this many. */
  maxArguments: number;
  examples: string[];
}

const CONFIG: OptionSpec = {
  name: 'config',
  short: 'c',
  type: 'string',
  value: 'FILE',
  description: 'config file (default: $AGENT_LOG_EXPORTER_CONFIG, else ./agent-log-exporter.yaml)',
};

/** Accepted by every command (and before any command). */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'this help' },
  { name: 'version', short: 'v', type: 'boolean', description: 'print the version' },
];

export const SIGNALS_TEXT = `Signals: SIGTERM/SIGINT stop gracefully within shutdown_timeout (what was not delivered stays in
the spool; a second signal exits at once). SIGHUP reloads the config file: added sources start,
removed ones stop, changed ones restart where they were; an invalid new config is logged and the
running one stays.`;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'run',
    usage: ['[run] [--config FILE]'],
    summary: 'run the daemon (the default command)',
    description: `Follows every stream the config's sources name or discover, maps each entry to an OTLP
LogRecord and delivers it to exporter.endpoint, resuming after a restart where each stream
stopped. Logs to stderr (log.format: pretty on a terminal, json otherwise) with a progress
line every log.progress_interval (1m). Serves /healthz /readyz /metrics on server.listen.

${SIGNALS_TEXT}`,
    options: [CONFIG],
    maxArguments: 0,
    examples: ['agent-log-exporter run --config /etc/agent-log-exporter.yaml', 'kill -HUP <pid>      # reload the config'],
  },
  {
    name: 'validate',
    usage: ['validate [--config FILE] [--check [--timeout D]]'],
    summary: 'check a config, print every problem; --check also tries each source and the endpoint',
    description: `Reports every problem of the config at once as FILE:LINE:COL  key  message  (hint), and
builds every source as run would; exit 0 when the config is good, 2 otherwise. Nothing connects.
With --check it then connects once: lists each source's streams and opens one of them (which
proves the credentials), and sends an empty OTLP export request to exporter.endpoint; it prints
per source what works and exits 1 when something does not.`,
    options: [
      CONFIG,
      { name: 'check', type: 'boolean', description: 'also try each source and the exporter endpoint once' },
      { name: 'timeout', type: 'string', value: 'D', description: 'with --check: how long each try may take (default 10s)' },
    ],
    maxArguments: 0,
    examples: ['agent-log-exporter validate --config agent-log-exporter.yaml', 'agent-log-exporter validate --check'],
  },
  {
    name: 'status',
    usage: ['status [--config FILE | --url URL] [--interval D]'],
    summary: "show a running daemon's streams, records/s, lag, spool and errors",
    description: `Reads a running daemon's /readyz and /metrics twice, --interval apart, and prints per source
its streams and their states, records/s received and exported, export lag and errors, then the
spool and the exporter's last success and failure. The address is --url, else the config's
server.listen. Exit 1 when no daemon answers there.`,
    options: [
      CONFIG,
      { name: 'url', type: 'string', value: 'URL', description: 'the daemon\'s telemetry server, e.g. http://127.0.0.1:13134' },
      { name: 'interval', type: 'string', value: 'D', description: 'time between the two scrapes the rates come from (default 2s)' },
    ],
    maxArguments: 0,
    examples: ['agent-log-exporter status', 'agent-log-exporter status --url http://127.0.0.1:13134'],
  },
  {
    name: 'tail',
    usage: ['tail [--config FILE] [--source NAME] [--json]'],
    summary: "print the sources' records as they arrive; never exports",
    description: `Follows the configured sources with the daemon's own readers and mapper and prints each
record as  time  source/stream  SEVERITY  body. Starts from what each platform replays on
connect, then live lines until Ctrl-C. Never exports and never touches storage.dir or the
checkpoints, so it can run beside the daemon.`,
    options: [
      CONFIG,
      { name: 'source', type: 'string', value: 'NAME', description: 'only this source' },
      { name: 'json', type: 'boolean', description: 'one OTLP/JSON request (one record) per line, for jq' },
    ],
    maxArguments: 0,
    examples: ['agent-log-exporter tail --source support-agent', "agent-log-exporter tail --json | jq -r '.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue'"],
  },
  {
    name: 'checkpoints',
    usage: ['checkpoints list [NAME] [--json] [--config FILE]', 'checkpoints reset NAME | --all [--config FILE]', 'checkpoints move OLD NEW [--config FILE]'],
    summary: 'where each stream stands; forget checkpoints; carry a renamed source\'s place',
    description: `list: per stream, the platform position in words, the newest record's time and its age
(--json for machines); checkpoints of sources no longer in the config are marked orphaned.
reset: forget the checkpoints of one stream or of every stream of a source (--all: every one),
so those streams start from the beginning on the next run; an unknown name is refused (exit 2).
move: a renamed source keeps its place: its checkpoints and spooled batches go to the new name.
reset and move are refused (exit 1) while a daemon runs on storage.dir; list and tail are not.
Needs only storage.dir and the source names from the config (secrets may be unset).`,
    options: [
      CONFIG,
      { name: 'json', type: 'boolean', description: 'list: one JSON document' },
      { name: 'all', type: 'boolean', description: 'reset: every checkpoint' },
    ],
    maxArguments: 3,
    examples: ['agent-log-exporter checkpoints list', 'agent-log-exporter checkpoints reset support-agent', 'agent-log-exporter checkpoints move support support-agent'],
  },
  {
    name: 'demo',
    usage: ['demo [--duration D] [--otlp-endpoint URL] [--keep] [--emulators-only]'],
    summary: 'the pipeline on built-in emulators of every platform; no account needed',
    description: `Starts a loopback emulator of every platform with scripted agent
activity and a loopback OTLP receiver, runs the real daemon on them and shows the flow. Runs
from a checkout of the repository (an installed package does not carry the emulators).`,
    options: [
      { name: 'duration', type: 'string', value: 'D', description: 'how long the agents run (default 8s; 500ms, 30s, 2m…)' },
      { name: 'otlp-endpoint', type: 'string', value: 'URL', description: 'export to this OTLP/HTTP logs URL instead of the loopback receiver (the only way the demo reaches beyond 127.0.0.1)' },
      { name: 'keep', type: 'boolean', description: 'keep its config and state directory (for checkpoints list)' },
      { name: 'emulators-only', type: 'boolean', description: 'only the emulators and the receiver, with a config for run and tail, until Ctrl-C (npm run emulators)' },
    ],
    maxArguments: 0,
    examples: ['agent-log-exporter demo', 'agent-log-exporter demo --duration 30s --otlp-endpoint http://localhost:4318/v1/logs', 'agent-log-exporter demo --emulators-only'],
  },
  {
    name: 'help',
    usage: ['help [COMMAND]'],
    summary: 'this overview, or the help of one command',
    description: 'Prints the overview of every command, or with a command its options and examples (the same as COMMAND --help).',
    options: [],
    maxArguments: 1,
    examples: ['agent-log-exporter help validate'],
  },
  {
    name: 'version',
    usage: ['version'],
    summary: 'print the version',
    description: 'Prints the version (the same as --version).',
    options: [],
    maxArguments: 0,
    examples: ['agent-log-exporter version'],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
