// `${env:NAME}`, `${env:NAME:-default}` and `$${` (a literal `${`) in the config file.
//
// How, and why this way: substituting into the raw text would let a value change the YAML
// (a token containing ": " or " #" turns into a mapping or a comment) and would shift every
// position after it. Substituting only into parsed scalars cannot change the structure, but an
// unquoted reference inside a flow collection (`{token: ${env:T}}`) is not valid YAML to begin
// with. So we do both halves: before parsing, each reference in the text is replaced by a
// placeholder of exactly the same length made only of letters and digits (valid in every YAML
// context, and every offset stays the same, so LINE:COL of all nodes and errors are exact); after
// parsing, each scalar's placeholders are replaced by the values, on the node. References that
// end up in comments are never resolved, so they never raise an issue.
//
// Typing follows the OpenTelemetry Collector: a plain (unquoted) scalar that is exactly one
// reference takes the YAML type of the value (`tail: ${env:TAIL}` with TAIL=200 is a number);
// quoted or embedded references stay strings. Re-typed values are remembered so the loader can
// fall back to the string when the schema wants one (a numeric API key). A default is used only
// when the variable is unset: a variable set to "" stays "".
import { isSecretFilePath, isSecretPath } from './redact.ts';
import { pathKey, type PathSegment } from './path.ts';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type LineCounter, type Node, type Scalar } from 'yaml';

export type Env = Record<string, string | undefined>;
export type { PathSegment };

/** A problem with a reference, at its offset in the original text. */
export interface EnvIssue {
  offset: number;
  path: PathSegment[];
  message: string;
  hint: string;
}

export interface ParsedYaml {
  doc: Document;
  issues: EnvIssue[];
  /** String forms of the values that were re-typed, by `pathKey(path)`. */
  retyped: Map<string, string>;
  /** Paths whose value has an unresolved reference: schema issues there would only repeat it. */
  unresolved: PathSegment[][];
}

interface Reference {
  offset: number;
  body: string;
  placeholder: string;
}

export { pathKey };

const REFERENCE = /\$\$\{|\$\{([^}\n]*)\}/g;
const ENV_BODY = /^env:([A-Za-z_][A-Za-z0-9_]*)(:-([^]*))?$/;
const REFERENCE_HINT = 'write ${env:NAME} or ${env:NAME:-default}; $${ gives a literal ${';

export interface SubstitutionOptions {
  /**
   * Commands that never use the secrets (`checkpoints`) may run without them: an unset variable
   * in a secret's place then becomes a placeholder instead of a problem.
   */
  secretsOptional?: boolean;
}

/** A stand-in for an unset secret, only with `secretsOptional`. */
export const UNSET_SECRET = 'unset-secret-placeholder';

/** Parses YAML text with every env reference resolved; positions refer to `text` as given. */
export function parseYamlWithEnv(text: string, env: Env, lineCounter: LineCounter, options: SubstitutionOptions = {}): ParsedYaml {
  const { masked, refs, marker } = mask(text);
  const doc = parseDocument(masked, { lineCounter, prettyErrors: false });
  const result: ParsedYaml = { doc, issues: [], retyped: new Map(), unresolved: [] };
  if (doc.contents) walk(doc.contents, [], { text, env, refs, marker, result, secretsOptional: options.secretsOptional ?? false });
  return result;
}

function mask(text: string): { masked: string; refs: Reference[]; marker: string } {
  const marker = pickMarker(text);
  const refs: Reference[] = [];
  const masked = text.replace(REFERENCE, (match: string, body: string | undefined, offset: number) => {
    if (body === undefined) return match; // `$${`: unescaped later, inside the scalar
    const placeholder = `${marker}${refs.length.toString(36)}`.padEnd(match.length, 'Z');
    // Too short for a placeholder (`${}`, `${a}`): never valid, reported from the scalar as is.
    if (placeholder.length > match.length || !placeholder.endsWith('Z')) return match;
    refs.push({ offset, body, placeholder });
    return placeholder;
  });
  return { masked, refs, marker };
}

// Upper-case letters that do not occur in the file; the index after them is lower-case base 36
// and ends at the first 'Z' of the padding, so a placeholder can always be read back.
function pickMarker(text: string): string {
  let marker = 'QX';
  while (text.includes(marker)) marker += 'Q';
  return marker;
}

interface WalkContext {
  text: string;
  env: Env;
  refs: Reference[];
  marker: string;
  result: ParsedYaml;
  secretsOptional: boolean;
}

function walk(node: Node, path: PathSegment[], ctx: WalkContext): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      let key: PathSegment = '';
      if (isScalar(pair.key)) {
        substitute(pair.key, path, ctx, false);
        key = String(pair.key.value);
      }
      if (pair.value && typeof pair.value === 'object' && !isAlias(pair.value)) walk(pair.value as Node, [...path, key], ctx);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && typeof item === 'object' && !isAlias(item)) walk(item as Node, [...path, i], ctx);
    });
  } else if (isScalar(node)) {
    // A plain number keeps its text as written (`version: 1.0`, `session: 007`), so a field that
    // wants a string gets exactly that instead of YAML's reading of it ("1", "7").
    if (node.type === 'PLAIN' && typeof node.value === 'number' && typeof node.source === 'string') {
      ctx.result.retyped.set(pathKey(path), node.source);
    }
    substitute(node, path, ctx, true);
  }
}

function substitute(scalar: Scalar, path: PathSegment[], ctx: WalkContext, isValue: boolean): void {
  const original = scalar.value;
  if (typeof original !== 'string' || !original.includes('$') && !original.includes(ctx.marker)) return;
  // `$${`, a placeholder, or a `${…}` the mask left alone (it had no room for a placeholder).
  const token = new RegExp(`\\$\\$\\{|${ctx.marker}([0-9a-z]+)Z|\\$\\{([^}\\n]*)\\}|\\$\\{`, 'g');
  let out = '';
  let last = 0;
  let whole = false;
  let unresolved = false;
  for (let m = token.exec(original); m; m = token.exec(original)) {
    out += original.slice(last, m.index);
    last = token.lastIndex;
    if (m[0] === '$${') {
      out += '${';
      continue;
    }
    let ref = m[1] === undefined ? undefined : ctx.refs[Number.parseInt(m[1], 36)];
    if (ref && original.startsWith(ref.placeholder, m.index)) {
      last = m.index + ref.placeholder.length;
      token.lastIndex = last;
    } else if (m[2] !== undefined) {
      ref = { offset: leftoverOffset(scalar, ctx.text), body: m[2], placeholder: m[0] };
    } else {
      out += m[0];
      // An unterminated `${`.
      if (m[0] === '${') addIssue(ctx, leftoverOffset(scalar, ctx.text), path, 'invalid substitution', REFERENCE_HINT);
      continue;
    }
    whole = m.index === 0 && last === original.length;
    const value = resolve(ref, path, ctx);
    if (value === undefined) unresolved = true;
    out += value ?? '';
  }
  out += original.slice(last);
  if (unresolved) ctx.result.unresolved.push(path);
  if (isValue && whole && !unresolved && scalar.type === 'PLAIN' && !scalar.tag) {
    const typed = retype(out);
    if (typed !== out) ctx.result.retyped.set(pathKey(path), out);
    scalar.value = typed;
    return;
  }
  scalar.value = out;
}

function resolve(ref: Reference, path: PathSegment[], ctx: WalkContext): string | undefined {
  const m = ENV_BODY.exec(ref.body);
  if (!m) {
    addIssue(ctx, ref.offset, path, 'invalid substitution', REFERENCE_HINT);
    return undefined;
  }
  const name = m[1] ?? '';
  const value = ctx.env[name];
  if (value !== undefined) return value;
  if (m[2] !== undefined) return m[3] ?? '';
  if (ctx.secretsOptional && (isSecretPath(path) || isSecretFilePath(path))) return UNSET_SECRET;
  addIssue(ctx, ref.offset, path, `environment variable ${name} is not set`, `set the variable or use \${env:${name}:-default}`);
  return undefined;
}

function addIssue(ctx: WalkContext, offset: number, path: PathSegment[], message: string, hint: string): void {
  ctx.result.issues.push({ offset, path, message, hint });
}

function leftoverOffset(scalar: Scalar, text: string): number {
  const [start, end] = scalar.range ?? [0, 0];
  const at = text.slice(start, end).search(/(?<!\$)\$\{/);
  return at < 0 ? start : start + at;
}

// The YAML 1.2 core schema's scalar types, applied to a substituted plain scalar. The empty
// string stays a string: `listen: ${env:LISTEN}` with LISTEN="" must mean "", not null.
function retype(value: string): unknown {
  if (/^(?:true|True|TRUE)$/.test(value)) return true;
  if (/^(?:false|False|FALSE)$/.test(value)) return false;
  if (/^(?:null|Null|NULL|~)$/.test(value)) return null;
  if (/^[-+]?[0-9]+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(value)) return Number(value);
  return value;
}
