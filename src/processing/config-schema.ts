// The `processing:` keys of DESIGN §4.5: the top-level block (defaults for every source) and a
// source's own block, which replaces the keys it names. Every regex is compiled here, so a bad one
// fails `validate` with its line and key path instead of failing a stream later.
import { z } from 'zod';
import { duration, fieldInfo, level, size } from '../config/fields.ts';
import { checkSize } from '../config/units.ts';

/** The reason a pattern does not compile, without the pattern (V8 repeats it in the message). */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return message.slice(message.lastIndexOf(': ') + 2) || message;
  }
}

/** A JavaScript regular expression, checked by compiling it. */
const regex = () => {
  const schema = z.string().min(1).superRefine((source, ctx) => {
    const problem = regexProblem(source);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${problem}`, input: source, params: { anchor: 'value' } });
    }
  });
  fieldInfo.add(schema, { hint: 'a JavaScript regular expression; in YAML, single-quote it so backslashes stay as written: \'\\bsecret=(\\S+)\'' });
  return schema;
};

const multilineObject = z
  .strictObject({
    start: regex().optional().meta({ description: 'A line matching this begins a record; other lines join the open one. Without start, the auto rules with these limits.' }),
    max_lines: z.int().min(1).default(1000).meta({ description: 'Most lines in one record; the group closes when it has this many.' }),
    max_bytes: size('256KiB').meta({ description: 'Most bytes in one record; a line that would pass it starts afresh.' }),
    timeout: duration('500ms').meta({ description: 'A group with no new line for this long is closed.' }),
  })
  .meta({ description: 'Custom grouping: start regex and limits.' });

const multiline = z
  .union([z.enum(['auto', 'none']), multilineObject])
  .meta({
    description:
      'Join the lines of one event into one record, per log.iostream. auto: Python tracebacks (chained too), JVM stack traces, Node.js error stacks, Go panics, PEM blocks; none: one line, one record; or {start: REGEX, max_lines, max_bytes, timeout}.',
  });
fieldInfo.add(multiline, { hint: 'auto, none, or a mapping such as {start: \'^\\d{4}-\\d\\d-\\d\\d \', timeout: 500ms}' });

const parse = z.enum(['auto', 'json', 'logfmt', 'none']).meta({
  description: 'Structured lines: a JSON object or a logfmt line gives the body (message/msg/event), the severity, trace_id/span_id/flags and attributes. auto tries both; none keeps the body as it came.',
});

const redact = z
  .strictObject({
    builtin: z.boolean().default(true).meta({ description: 'Replace the built-in credential kinds: sk- API keys, AWS key ids, GitHub, Slack and Google tokens, JWTs, Bearer values, PEM private keys, Azure AccountKey/SharedAccessSignature values.' }),
    patterns: z.array(regex()).default([]).meta({ description: 'More regexes to replace; when a pattern has a capture group, only the first group is replaced.' }),
    replacement: z.string().default('[REDACTED]').meta({ description: 'What a secret is replaced with.' }),
  })
  .meta({ description: 'Secrets in the body and in every string attribute are replaced before anything leaves the process.' });

const drop = z
  .strictObject({
    below: level().nullable().default(null).meta({ description: 'Records below this severity are not exported (records without a severity are kept).' }),
    matching: z.array(regex()).default([]).meta({ description: 'Records whose body matches one of these regexes are not exported.' }),
  })
  .meta({ description: 'Records not exported; they still move the checkpoint and are counted as skipped (reason filtered).' });

const maxBodyBytes = size('256KiB').meta({
  description: 'A longer body is cut at a UTF-8 character boundary and gets the int attribute agent_log_exporter.body.original_size.',
});

/** max_body_bytes of a source: no default of its own (a source that does not name it keeps the top-level value). */
const sizeOverride = z
  .union([z.string(), z.number()], { error: 'expected a size' })
  .transform((value, ctx) => {
    const result = checkSize(value);
    if (result.ok && result.value > 0) return result.value;
    ctx.issues.push({ code: 'custom', message: result.ok ? 'must be greater than 0' : result.message, input: value, params: { hint: result.ok ? 'e.g. 256KiB' : result.hint, anchor: 'value' } });
    return z.NEVER;
  })
  .meta({ description: maxBodyBytes.description, format: 'size', examples: ['64KiB'] });
fieldInfo.add(sizeOverride, { hint: 'e.g. 512KiB, 4MiB, 1GiB' });

/** Top-level `processing:`: every key has its default. */
export const processingSchema = z
  .strictObject({
    multiline: multiline.default('auto'),
    parse: parse.default('auto'),
    redact: redact.prefault({}),
    drop: drop.prefault({}),
    max_body_bytes: maxBodyBytes,
  })
  .prefault({})
  .meta({ description: 'The processing stage of line-based sources (Foundry, Daytona, AgentBox): multiline, parse, redact, drop, max_body_bytes, in this order.' });

/** A source's `processing:`: only the keys it names replace the top-level ones. */
export const sourceProcessingSchema = z
  .strictObject({
    multiline: multiline.optional(),
    parse: parse.optional(),
    redact: redact.optional(),
    drop: drop.optional(),
    max_body_bytes: sizeOverride.optional(),
  })
  .optional()
  .meta({ description: 'This source\'s processing; each key named here replaces the top-level processing key of the same name.' });


export type ProcessingSettings = z.output<typeof processingSchema>;
export type SourceProcessing = z.output<typeof sourceProcessingSchema>;
export type MultilineSetting = ProcessingSettings['multiline'];

/** The defaults of every key, as a config without `processing:` gets them. */
export const DEFAULT_PROCESSING: ProcessingSettings = processingSchema.parse(undefined);

/** A source's effective settings: the top-level block with the keys the source names replaced. */
export function resolveProcessing(top: ProcessingSettings, own: SourceProcessing): ProcessingSettings {
  if (own === undefined) return top;
  const out: ProcessingSettings = { ...top };
  for (const key of Object.keys(own) as (keyof ProcessingSettings)[]) {
    if (own[key] !== undefined) (out as Record<string, unknown>)[key] = own[key];
  }
  return out;
}
