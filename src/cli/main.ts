/**
 * argv → command → exit code (loaded by src/main.ts once the Node version is known to be good).
 * Errors are one paragraph; an unexpected error's stack trace is printed only with
 * AGENT_LOG_EXPORTER_DEBUG=1 (the daemon's own logs carry stacks at log.level debug).
 */
// Commands load on use: `run` never loads the emulators `demo` needs.
import { parseDuration } from '../config/units.ts';
import { VERSION } from '../version.ts';
import { parseCommandLine } from './argv.ts';
import { findCommand } from './commands.ts';
import { resolveConfigPath } from './config-path.ts';
import { EXIT_FATAL, EXIT_OK, exitCodeOf, messageOf, UsageError } from './errors.ts';
import { commandHelp, overviewHelp } from './help.ts';

function durationOption(values: Record<string, string | true>, name: string): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message}.`);
  }
}

async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv);
  const { command, values, args } = line;
  const out = (text: string): void => void process.stdout.write(text + '\n');
  if (line.help || command.name === 'help') {
    const topic = line.help ? (line.named ? command.name : undefined) : args[0];
    if (topic === undefined) process.stdout.write(overviewHelp());
    else {
      const spec = findCommand(topic);
      // `help valdate` gets the same did-you-mean as `valdate`.
      if (!spec) return main([topic]);
      process.stdout.write(commandHelp(spec));
    }
    return EXIT_OK;
  }
  if (line.version || command.name === 'version') {
    out(VERSION);
    return EXIT_OK;
  }
  const configPath = resolveConfigPath(typeof values.config === 'string' ? values.config : undefined, process.env);
  switch (command.name) {
    case 'run': {
      // Once the daemon has stopped, nothing else may keep the process alive (an idle
      // keep-alive socket, a late timer): exit with the daemon's code.
      const { runCommand } = await import('./run.ts');
      return process.exit(await runCommand(configPath, process.env));
    }
    case 'validate': {
      const { validateCommand } = await import('./validate.ts');
      if (values.check !== true) {
        if (values.timeout !== undefined) throw new UsageError('--timeout applies only with --check.', 'agent-log-exporter validate --help');
        return validateCommand(configPath, process.env, out);
      }
      const { checkCommand } = await import('./check.ts');
      return process.exit(await checkCommand({ configPath, env: process.env, out, timeoutMs: durationOption(values, 'timeout') }));
    }
    case 'status': {
      const { statusCommand } = await import('./status.ts');
      const url = typeof values.url === 'string' ? values.url : undefined;
      return statusCommand({ configPath, url, env: process.env, intervalMs: durationOption(values, 'interval'), out });
    }
    case 'checkpoints': {
      const { checkpointsCommand } = await import('./checkpoints.ts');
      return checkpointsCommand(args, { all: values.all === true, json: values.json === true }, configPath, process.env, out);
    }
    case 'tail': {
      const stop = stopOnSignals();
      const json = values.json === true;
      const source = typeof values.source === 'string' ? values.source : undefined;
      // Like run: once stopped, no idle socket or late timer may keep the process alive.
      const { tailCommand } = await import('./tail.ts');
      return process.exit(await tailCommand({ configPath, env: process.env, source, json, output: process.stdout, signal: stop.signal }));
    }
    case 'demo': {
      const durationMs = durationOption(values, 'duration');
      const otlpEndpoint = typeof values['otlp-endpoint'] === 'string' ? values['otlp-endpoint'] : undefined;
      const stop = stopOnSignals();
      try {
        const { runDemo } = await import('./demo.ts');
        return await runDemo({ durationMs, otlpEndpoint, keep: values.keep === true, emulatorsOnly: values['emulators-only'] === true, output: process.stdout, env: process.env, signal: stop.signal });
      } finally {
        stop.dispose();
      }
    }
    default:
      throw new UsageError(`"${command.name}" is not available in this version yet.`);
  }
}

/** First Ctrl-C/SIGTERM aborts `signal` (a clean stop); a second one exits at once. */
function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(EXIT_FATAL);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${messageOf(error, process.env)}\n`);
    process.exitCode = exitCodeOf(error);
  },
);
