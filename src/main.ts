#!/usr/bin/env node
/**
 * argv → command → exit code. Errors are one paragraph; an unexpected error's stack trace is
 * printed only with AGENT_LOG_EXPORTER_DEBUG=1 (the daemon's own logs carry stacks at log.level debug).
 */
import { parseArgs } from 'node:util';
// Commands load on use: `run` never loads the emulators `demo` needs.
import { resolveConfigPath } from './cli/config-path.ts';
import { CliError, ConfigInvalidError, EXIT_FATAL, EXIT_OK, UsageError } from './cli/errors.ts';
import { HELP } from './cli/help.ts';
import { parseDuration } from './config/units.ts';
import { VERSION } from './version.ts';

const COMMANDS = new Set(['run', 'validate', 'checkpoints', 'tail', 'demo']);

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        source: { type: 'string' },
        json: { type: 'boolean' },
        duration: { type: 'string' },
        'otlp-endpoint': { type: 'string' },
        keep: { type: 'boolean' },
        'emulators-only': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT_OK;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT_OK;
  }
  const [command = 'run', ...rest] = positionals;
  if (!COMMANDS.has(command)) throw new UsageError(`unknown command "${command}".`);
  const configPath = resolveConfigPath(values.config, process.env);
  const out = (line: string): void => void process.stdout.write(line + '\n');
  switch (command) {
    case 'run': {
      if (rest.length > 0) throw new UsageError(`run takes no arguments, got "${rest.join(' ')}".`);
      // Once the daemon has stopped, nothing else may keep the process alive (an idle
      // keep-alive socket, a late timer): exit with the daemon's code.
      const { runCommand } = await import('./cli/run.ts');
      return process.exit(await runCommand(configPath, process.env));
    }
    case 'validate': {
      if (rest.length > 0) throw new UsageError(`validate takes no arguments, got "${rest.join(' ')}".`);
      const { validateCommand } = await import('./cli/validate.ts');
      return validateCommand(configPath, process.env, out);
    }
    case 'checkpoints': {
      if (rest.length > 2) throw new UsageError(`checkpoints takes an action and at most one stream, got "${rest.join(' ')}".`);
      const { checkpointsCommand } = await import('./cli/checkpoints.ts');
      return checkpointsCommand(rest[0], rest[1], configPath, process.env, out);
    }
    case 'tail': {
      if (rest.length > 0) throw new UsageError(`tail takes no arguments, got "${rest.join(' ')}".`);
      const stop = stopOnSignals();
      const json = values.json === true;
      // Like run: once stopped, no idle socket or late timer may keep the process alive.
      const { tailCommand } = await import('./cli/tail.ts');
      return process.exit(await tailCommand({ configPath, env: process.env, source: values.source, json, output: process.stdout, signal: stop.signal }));
    }
    case 'demo': {
      if (rest.length > 0) throw new UsageError(`demo takes no arguments, got "${rest.join(' ')}".`);
      let durationMs: number | undefined;
      if (values.duration !== undefined) {
        try {
          durationMs = parseDuration(values.duration);
        } catch (error) {
          throw new UsageError(`--duration: ${(error as Error).message}.`);
        }
      }
      const stop = stopOnSignals();
      try {
        const { runDemo } = await import('./cli/demo.ts');
        return await runDemo({ durationMs, otlpEndpoint: values['otlp-endpoint'], keep: values.keep, emulatorsOnly: values['emulators-only'], output: process.stdout, env: process.env, signal: stop.signal });
      } finally {
        stop.dispose();
      }
    }
    default:
      throw new UsageError(`"${command}" is not available in this version yet.`);
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
    if (error instanceof ConfigInvalidError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
    } else if (error instanceof CliError) {
      process.stderr.write(`agent-log-exporter: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      const err = error as Error;
      process.stderr.write(`agent-log-exporter: fatal: ${err.message}\n`);
      if (process.env.AGENT_LOG_EXPORTER_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
      process.exitCode = EXIT_FATAL;
    }
  },
);
