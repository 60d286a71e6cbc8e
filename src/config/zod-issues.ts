// Turns zod's issues into messages a person editing YAML can act on: YAML words for types, the
// allowed values or keys, a did-you-mean, and never the value of a secret.
import type { z } from 'zod';
import { closest } from './did-you-mean.ts';
import type { PathSegment } from './env-substitution.ts';
import { isSecretPath } from './redact.ts';
import { allowedKeys, infoAt, typesWithKey } from './schema-walk.ts';
import type { Anchor } from './yaml-positions.ts';

/** An issue before it has a file position. */
export interface PathIssue {
  path: PathSegment[];
  anchor: Anchor;
  message: string;
  hint?: string | undefined;
}

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

const YAML_TYPE: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'an integer',
  boolean: 'true or false', null: 'null', undefined: 'nothing',
};

function yamlType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return YAML_TYPE[typeof value] ?? typeof value;
}

const valueAt = (data: unknown, path: readonly PathSegment[]): unknown =>
  path.reduce<unknown>((v, seg) => (typeof v === 'object' && v !== null ? (v as Record<PathSegment, unknown>)[seg] : undefined), data);

const quoteList = (values: readonly unknown[]): string => values.map(String).join(', ');

function suggestion(word: string, candidates: readonly string[]): string | undefined {
  const near = closest(word, candidates);
  return near !== undefined && near !== word ? `did you mean "${near}"?` : undefined;
}

/** One zod issue as zero or more located issues (an unknown-keys issue becomes one per key). */
export function fromZodIssue(issue: Issue, data: unknown, schema: Schema): PathIssue[] {
  const path = issue.path as PathSegment[];
  const value = valueAt(data, path);
  const secret = isSecretPath(path) || infoAt(schema, path, data).secret === true;
  const hint = (): string | undefined => infoAt(schema, path, data).hint;
  const typeHint = (): string | undefined => infoAt(schema, path, data).typeHint ?? hint();
  const at = (anchor: Anchor, message: string, h?: string): PathIssue[] => [{ path, anchor, message, hint: h }];
  const last = path.at(-1);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, path, data) ?? [];
      return issue.keys.map((key) => {
        const owners = typesWithKey(schema, path, data, key);
        const ownerHint = owners.length > 0 ? `"${key}" is a key of type ${owners.join(', ')}` : undefined;
        return {
          path: [...path, key], anchor: 'key' as const, message: `unknown key "${key}"`,
          hint: suggestion(key, allowed) ?? ownerHint ?? `allowed keys: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_union': {
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const what = path.length >= 2 && path.at(-2) === 'auth' ? 'auth type' : 'type';
        if (value === undefined) {
          // A misspelled discriminator key (`typ: foundry`) stops zod before it reports unknown keys.
          const parent = valueAt(data, path.slice(0, -1));
          const keys = typeof parent === 'object' && parent !== null ? Object.keys(parent) : [];
          const misspelled = keys.find((k) => k !== last && closest(k, [String(last)]) === String(last));
          const near = misspelled === undefined ? '' : `"${misspelled}" looks like a misspelling of "${String(last)}"; `;
          return at('parent', `missing required key "${String(last)}"`, `${near}one of: ${quoteList(options)}`);
        }
        const near = typeof value === 'string' ? suggestion(value, options.map(String)) : undefined;
        return at('value', `unknown ${what} ${JSON.stringify(value)}`, `${near ? `${near} ` : ''}one of: ${quoteList(options)}`);
      }
      if (value === undefined) return at('parent', `missing required key "${String(last)}"`, hint());
      return at('value', `${issue.message}, got ${yamlType(value)}`, typeHint());
    }
    case 'invalid_type': {
      if (path.length === 0 && (value === null || value === undefined)) return at('parent', 'the file is empty', 'start with a sources: list');
      if (value === undefined) return at('parent', `missing required key "${String(last)}"`, hint());
      if (path.length === 0) return at('parent', `the file must be a mapping of keys, not ${yamlType(value)}`, 'start with a sources: list');
      const expected = YAML_TYPE[issue.expected] ?? issue.expected;
      let h = typeHint();
      if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) h = 'quote the value to make it a string';
      if (issue.expected === 'object' && value === null) h = 'give it keys, or remove it to use the defaults';
      return at('value', `expected ${expected}, got ${yamlType(value)}`, h);
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      if (secret || typeof value === 'object') return at('value', 'invalid value', `one of: ${options.join(', ')}`);
      const near = typeof value === 'string' ? suggestion(value, options) : undefined;
      return at('value', `invalid value ${JSON.stringify(value)}`, `${near ? `${near} ` : ''}one of: ${options.join(', ')}`);
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'string') return at('value', Number(bound) <= 1 && issue.code === 'too_small' ? 'must not be empty' : `must be ${word} ${String(bound)} characters`, hint());
      if (issue.origin === 'array') return at('value', Number(bound) <= 1 && issue.code === 'too_small' ? 'must not be empty' : `must have ${word} ${String(bound)} items`, hint());
      const range = `must be ${word} ${String(bound)}`;
      return at('value', secret ? range : `${String(value)} is out of range: ${range}`, hint());
    }
    case 'invalid_format': {
      // Formats are URLs and patterns; the field hint says what is expected. Values stay out:
      // a URL can carry credentials.
      return at('value', issue.message, hint());
    }
    case 'custom': {
      // Cross-field rules point at their key; value checks (durations, sizes) say 'value'.
      const params = (issue.params ?? {}) as { hint?: string; anchor?: Anchor };
      return at(params.anchor ?? 'key', issue.message, params.hint ?? hint());
    }
    default:
      return at('value', secret ? 'invalid value' : issue.message, hint());
  }
}
