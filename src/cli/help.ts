/** `--help` text: every command, the config lookup order and the exit codes. */
import { VERSION } from '../version.ts';

export const HELP = `agent-log-exporter ${VERSION}
Ships the console logs and events of AI-agent sandboxes (Azure AI Foundry, Hill90,
Daytona, AgentBox) to an OpenTelemetry endpoint over OTLP/HTTP, resuming exactly
where each stream stopped.

Usage:
  agent-log-exporter [run] [--config FILE]          run the daemon (default command)
  agent-log-exporter validate [--config FILE]       check a config, print every problem
  agent-log-exporter checkpoints list [STREAM] [--config FILE]
                                                    show where each stream stands
  agent-log-exporter checkpoints reset [STREAM] [--config FILE]
                                                    forget checkpoints (all, a source, or one stream)
  agent-log-exporter tail [--config FILE] [--source NAME] [--json]
                                                    print the sources' records as they arrive (from
                                                    what each platform replays); never exports, never
                                                    touches storage.dir or checkpoints
  agent-log-exporter demo [--duration 8s] [--otlp-endpoint URL] [--keep] [--emulators-only]
                                                    the pipeline on built-in emulators of all four
                                                    platforms and a loopback OTLP receiver; no account

Options:
  -c, --config FILE   config file (default: $AGENT_LOG_EXPORTER_CONFIG, else ./agent-log-exporter.yaml)
      --source NAME   tail: only this source
      --json          tail: one OTLP/JSON request (one record) per line, for jq
      --duration D    demo: how long the agents run (default 8s; 500ms, 30s, 2m…)
      --otlp-endpoint URL
                      demo: export to this OTLP/HTTP logs URL instead of the loopback receiver
                      (the only way the demo reaches beyond 127.0.0.1)
      --keep          demo: keep its config and state directory (for checkpoints list)
      --emulators-only
                      demo: only the emulators and the receiver, with a config for run and
                      tail, until Ctrl-C (npm run emulators)
  -h, --help          this help
  -v, --version       print the version

Exit codes: 0 clean stop, 1 fatal runtime error, 2 bad usage or invalid config.
Signals: SIGTERM/SIGINT stop gracefully within shutdown_timeout (a second one exits at once).
`;
