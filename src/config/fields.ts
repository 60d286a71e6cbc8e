// Reusable field types of the config schema. Each carries its own hint (shown with any issue about
// the field) in `fieldInfo`, a registry of our own so the hints stay out of config/schema.json.
import { z } from 'zod';
import { checkDuration, checkSize, type UnitResult } from './units.ts';

/**
 * Per-field facts the issue reporter needs: how to fix the field (`hint`), how to fix a value of
 * the wrong type (`typeHint`, else `hint`), and whether it holds a secret.
 */
export interface FieldInfo {
  hint?: string;
  typeHint?: string;
  /** The value is a secret: never echoed, redacted from logs, /readyz and validate output. */
  secret?: boolean;
  /** The value names a file whose content is a secret (re-read when it changes). */
  secretFile?: boolean;
}
export const fieldInfo = z.registry<FieldInfo>();

function unit(kind: 'duration' | 'size', check: (v: unknown) => UnitResult, min: number, description: string) {
  // Numbers pass the type check so that `check` can answer a bare duration number with its fix
  // ("write 10s or 10ms") instead of a type error; sizes may be plain bytes.
  const input = z.union([z.string(), z.number()], { error: `expected a ${kind}` });
  fieldInfo.add(input, { hint: kind === 'duration' ? 'e.g. 500ms, 10s, 5m, 1h' : 'e.g. 512KiB, 4MiB, 1GiB' });
  return input
    .transform((value, ctx) => {
      const result = check(value);
      if (!result.ok) {
        ctx.issues.push({ code: 'custom', message: result.message, input: value, params: { hint: result.hint, anchor: 'value' } });
        return z.NEVER;
      }
      if (result.value < min) {
        ctx.issues.push({ code: 'custom', message: `must be greater than 0`, input: value, params: { hint: `e.g. ${kind === 'duration' ? '10s' : '4MiB'}`, anchor: 'value' } });
        return z.NEVER;
      }
      return result.value;
    })
    // `format` tells docs/CONFIG.md (and editors, which ignore formats they do not know) the unit kind.
    .meta({ description, format: kind });
}

const DURATION_DOC = 'Duration with a unit: 500ms, 10s, 1.5s, 5m, 1h or 1h30m.';
const SIZE_DOC = 'Size: 512KiB, 4MiB, 1GiB, 10KB; an integer is bytes.';

/** A duration parsed to milliseconds. `.prefault` (not `.default`) so the default goes through the transform too. */
export const duration = (defaultValue: string, opts: { allowZero?: boolean } = {}) =>
  unit('duration', checkDuration, opts.allowZero ? 0 : 1, DURATION_DOC).prefault(defaultValue);

/** A size parsed to bytes, with its default run through the same transform. */
export const size = (defaultValue: string) => unit('size', checkSize, 1, SIZE_DOC).prefault(defaultValue);

/** A size parsed to bytes, or undefined when not set. */
export const optionalSize = () => unit('size', checkSize, 1, SIZE_DOC).optional();

/** An absolute http(s) URL. Values are never echoed in messages: URLs may carry credentials. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'not a valid http(s) URL' });
fieldInfo.add(httpUrl, { hint: 'use an absolute URL starting with http:// or https://' });

/** A secret (token, key): a non-empty string whose value no issue message may contain. */
export const secret = (description = 'Secret; normally `${env:NAME}`.', example = '${env:SECRET}') => {
  const s = z.string().min(1).meta({ description, examples: [example] });
  fieldInfo.add(s, { secret: true, hint: 'use ${env:NAME} so the secret stays out of the file' });
  return s;
};

/** The path of a file holding a secret; the file is read on use and again whenever it changes. */
export const secretFile = (
  key: string,
  description = `File holding ${key} (instead of ${key}); one trailing newline is dropped. Re-read when it changes, so a mounted Secret or a projected service-account token rotates without a restart.`,
) => {
  const s = z.string().min(1).meta({
    description,
    examples: [`/var/run/secrets/agent-log-exporter/${key}`],
  });
  fieldInfo.add(s, { secretFile: true, hint: 'an absolute path readable by the daemon user' });
  return s;
};

type SecretKeys<K extends string> = { [P in K]: z.ZodOptional<ReturnType<typeof secret>> } & {
  [P in `${K}_file`]: z.ZodOptional<ReturnType<typeof secretFile>>;
};

/**
 * A secret written inline (`token`) or read from a file (`token_file`); exactly one of the two
 * (checked by `requireOneSecret` on the object).
 */
export function secretKeys<K extends string>(key: K, description: string, example: string): SecretKeys<K> {
  return { [key]: secret(description, example).optional(), [`${key}_file`]: secretFile(key).optional() } as SecretKeys<K>;
}

/** The rule of `secretKeys`, as a superRefine step of the object that has them. */
export function requireOneSecret(key: string) {
  const file = `${key}_file`;
  return (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const inline = value[key] !== undefined && value[key] !== null;
    const fromFile = value[file] !== undefined && value[file] !== null;
    if (inline && fromFile) {
      ctx.addIssue({
        code: 'custom', path: [file], message: `${key} and ${file} exclude each other`,
        params: { hint: `write the secret as ${key} (normally \${env:NAME}) or name the file that holds it as ${file}, not both` },
      });
    } else if (!inline && !fromFile) {
      ctx.addIssue({
        code: 'custom', path: [key], message: `missing required key "${key}"`,
        params: { anchor: 'parent', hint: `set ${key}: \${env:NAME}, or ${file}: /path/to/file (re-read when it changes)` },
      });
    }
  };
}

/**
 * An identifier (agent, version, sandbox…), a string. YAML reads `version: 3` or `1.10` as a
 * number; the loader then gives the field the text exactly as written ("3", "1.10", "007"),
 * never YAML's reading of it, which would follow the wrong URL.
 */
export const identifier = () => {
  const input = z.string({ error: 'expected a string' });
  fieldInfo.add(input, { typeHint: 'quote the value, e.g. "1.10"' });
  return input.pipe(z.string().min(1));
};

/**
 * Cross-field rules run even when a field of the object failed (zod skips them by default), so
 * one pass reports everything; they still need the object (or list) itself to be one. The value
 * they see may then be partly unparsed: rules use plain presence checks.
 */
export const whenObject = { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null };
export const whenArray = { when: (p: { value: unknown }) => Array.isArray(p.value) };

/** A non-empty plain string. */
export const text = () => z.string().min(1);

/** Attribute values as OpenTelemetry allows them on resources and records. */
const attributeValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
fieldInfo.add(attributeValue, { hint: 'attribute values are scalars; nest with dotted keys: a.b: c' });
export const attributes = () => z.record(z.string(), attributeValue).prefault({});

/** Level names of DESIGN §4.3, accepted in any case and normalised to upper case. */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'ERR', 'CRITICAL', 'FATAL', 'PANIC'] as const;
export const level = () =>
  z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(LEVELS))
    // The input side is any-case; list both spellings so editors can complete it.
    .meta({ enum: [...LEVELS, ...LEVELS.map((l) => l.toLowerCase())] });
