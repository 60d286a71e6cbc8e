/**
 * argv → command, its option values and arguments, checked against the command table.
 * Node's parseArgs splits the tokens (non-strict, so nothing is thrown in its own words); the
 * checks here turn every slip into one sentence with a did-you-mean: `valdate`, `--confg`,
 * `--config` without a file, an option of another command.
 */
import { parseArgs } from 'node:util';
import { closest } from '../config/did-you-mean.ts';
import { COMMANDS, GLOBAL_OPTIONS, findCommand, type CommandSpec, type OptionSpec } from './commands.ts';
import { UsageError } from './errors.ts';

export interface CommandLine {
  command: CommandSpec;
  /** Option values by long name: a string, or true for a boolean option given. */
  values: Record<string, string | true>;
  /** Arguments after the command name. */
  args: string[];
  /** `--help`: print the command's help (the overview when no command was named). */
  help: boolean;
  version: boolean;
  /** A command was named (not only the default `run`). */
  named: boolean;
}

const ALL_OPTIONS: OptionSpec[] = [...GLOBAL_OPTIONS, ...COMMANDS.flatMap((c) => c.options)];
const takesValue = (arg: string): boolean => {
  const long = /^--([^=]+)$/.exec(arg)?.[1];
  const short = /^-([^-])$/.exec(arg)?.[1];
  return ALL_OPTIONS.some((o) => o.type === 'string' && (o.name === long || (short !== undefined && o.short === short)));
};

/** Where the command name is: the first word that is neither an option nor an option's value. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    if (takesValue(arg)) i += 1;
  }
  return -1;
}

function usage(command: CommandSpec | undefined, message: string): UsageError {
  return new UsageError(message, command ? `agent-log-exporter ${command.name} --help` : undefined);
}

export function parseCommandLine(argv: string[]): CommandLine {
  const at = commandIndex(argv);
  const name = at >= 0 ? argv[at]! : 'run';
  const command = findCommand(name);
  if (!command) {
    // A config file given as the command (`agent-log-exporter my.yaml`) is a common first try.
    if (/\.ya?ml$/i.test(name)) throw usage(undefined, `unknown command "${name}"; a config file goes after --config: agent-log-exporter run --config ${name}`);
    const guess = closest(name, COMMANDS.map((c) => c.name));
    throw usage(undefined, `unknown command "${name}"${guess ? `; did you mean "${guess}"?` : '.'} Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`);
  }
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 1)] : argv;
  const known = [...command.options, ...GLOBAL_OPTIONS];
  const { tokens } = parseArgs({
    args: rest,
    options: Object.fromEntries(known.map((o) => [o.name, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  const args: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      args.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = known.find((o) => o.name === token.name);
    if (!spec) throw usage(command, unknownOption(command, token.rawName, known));
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw usage(command, `option --${spec.name} takes no value (got "${token.rawName}=${token.value}").`);
      values[spec.name] = true;
      continue;
    }
    // Non-strict parseArgs takes the next word as the value even when it is the next option.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value.length > 1)) {
      throw usage(command, `option ${token.rawName} needs a value: ${token.rawName} ${spec.value ?? 'VALUE'}.`);
    }
    values[spec.name] = token.value;
  }
  const help = values.help === true;
  const version = values.version === true;
  if (!help && !version && args.length > command.maxArguments) {
    const what = command.maxArguments === 0 ? 'takes no arguments' : `takes at most ${command.maxArguments} argument${command.maxArguments === 1 ? '' : 's'}`;
    throw usage(command, `${command.name} ${what}, got "${args.join(' ')}".`);
  }
  return { command, values, args, help, version, named: at >= 0 };
}

function unknownOption(command: CommandSpec, raw: string, known: OptionSpec[]): string {
  const word = raw.replace(/^-+/, '');
  const guess = raw.startsWith('--') ? closest(word, known.map((o) => o.name)) : undefined;
  const owners = COMMANDS.filter((c) => c.options.some((o) => o.name === word)).map((c) => c.name);
  const takes = known.map((o) => `--${o.name}`).join(', ');
  if (guess) return `unknown option ${raw} for ${command.name}; did you mean --${guess}? (${command.name} takes ${takes})`;
  if (owners.length > 0) return `${raw} is an option of ${owners.join(' and ')}, not of ${command.name} (${command.name} takes ${takes}).`;
  return `unknown option ${raw} for ${command.name} (${command.name} takes ${takes}).`;
}
