/**
 * The daemon's own logs: pino JSON lines on stderr, one event per line, or one short human line
 * per event (`log.format: pretty`, the default on a terminal). The pretty form is a dozen lines
 * here rather than pino-pretty: that package brings its own dependency tree and worker-thread
 * transport for what is one `JSON.parse` and a join, and the scrub below must see the final text.
 * Secrets are removed by value as the line is written, so no code path
 * (an error message quoting a header, a URL with a token) can leak one.
 */
import pino from 'pino';
import { Writable } from 'node:stream';
import { learnedSecrets, REDACTED, redactText } from '../config/redact-text.ts';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Unset: pretty when the destination is a terminal, else json. */
  format?: 'json' | 'pretty' | undefined;
  /** Secret values to scrub from every line; a SecretList can learn more (a reloaded config's). */
  secrets?: readonly string[] | SecretList;
  /** Where lines go; stderr by default. */
  destination?: NodeJS.WritableStream;
}

/** The secret values a logger scrubs; grows on reload and never forgets (old lines may still quote old secrets). */
export interface SecretList {
  values(): readonly string[];
  add(values: Iterable<string>): void;
}

/**
 * `Bearer abc…`, `Basic abc…`, `ApiKey abc…`: an endpoint may echo the credential without its
 * scheme. Known schemes only, and 8+ characters, so an ordinary header value's last word is not.
 */
const AUTH_SCHEME = /^(?:bearer|basic|apikey|api-key|token|splunk|genie-?key)\s+(\S{8,})$/i;

export function createSecretList(initial: Iterable<string> = []): SecretList {
  const set = new Set<string>();
  let list: readonly string[] = [];
  let learnedVersion = -1;
  const secrets: SecretList = {
    // Secrets read from files at run time (rotated `token_file`s…) join as they are read.
    values: () => {
      const learned = learnedSecrets();
      if (learned.version !== learnedVersion) {
        learnedVersion = learned.version;
        secrets.add(learned.values);
      }
      return list;
    },
    add(values) {
      for (const v of values) {
        set.add(v);
        const credential = AUTH_SCHEME.exec(v)?.[1];
        if (credential) set.add(credential);
      }
      list = [...set];
    },
  };
  secrets.add(initial);
  return secrets;
}

/** Keys whose values pino replaces before a line is even serialized (the by-value scrub is the backstop). */
const REDACT_PATHS = [
  'token', 'api_key', 'client_secret', 'password', 'authorization',
  '*.token', '*.api_key', '*.client_secret', '*.password', '*.authorization',
  'headers.authorization', '*.headers.authorization', 'headers["x-api-key"]', '*.headers["x-api-key"]',
];

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A compact human line: `12:00:00.123 INFO  event  key=value …`. */
function prettyLine(json: string): string {
  try {
    // progress: the progress line's numbers, which its message already spells out.
    const { time, level, event, msg, pid: _pid, hostname: _h, progress: _p, ...rest } = JSON.parse(json) as Record<string, unknown>;
    const t = new Date(Number(time)).toISOString().slice(11, 23);
    const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return `${t} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${typeof event === 'string' ? event : ''} ${typeof msg === 'string' ? msg : ''} ${fields.join(' ')}`.trimEnd() + '\n';
  } catch {
    return json;
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? process.stderr;
  const given = options.secrets ?? [];
  const secrets: SecretList = Array.isArray(given) ? createSecretList(given as readonly string[]) : (given as SecretList);
  const pretty = options.format === 'pretty' || (options.format === undefined && (target as { isTTY?: boolean }).isTTY === true);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      let line = redactText(chunk.toString('utf8'), secrets.values());
      if (pretty) line = prettyLine(line);
      target.write(line);
      done();
    },
  });
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.epochTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    sink,
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
