/**
 * Replaces secrets in text (DESIGN §4.5 step 3). All patterns, built-in and configured, are one
 * regular expression, so a line costs one scan however many patterns there are; when every
 * pattern starts with a known literal, one scan for those literals first lets the usual line
 * (no secret) go without running the full expression. A configured pattern with a capture group
 * replaces only its first group.
 */
import { BUILTIN_SECRETS } from './builtin-secrets.ts';

export interface RedactSettings {
  builtin: boolean;
  patterns: readonly string[];
  replacement: string;
}

/** Returns `text` itself (the same string) when nothing was replaced. */
export type Redact = (text: string) => string;

interface Alternative {
  /** Index of the alternative's own wrapping group in the combined match. */
  group: number;
  /** Whether the pattern has capture groups of its own (its first one is the secret). */
  captures: boolean;
}

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Capture groups of a pattern: the match of an alternation with the empty string has one slot per group. */
const groupCount = (source: string): number => new RegExp(`(?:${source})|`).exec('')!.length - 1;

/** Backreferences and named groups would change meaning inside the combined expression. */
const STANDALONE = /\\[1-9]|\\k<|\(\?<(?![=!])/;

/** The literal text every match of `source` starts with, if it is plain (after an optional `\b`). */
function leadingLiteral(source: string): string | undefined {
  if (source.includes('|')) return undefined;
  const m = /^(?:\\b)?((?:[A-Za-z0-9_=:@#%&'",;<>~` -]|\\[.\-/:=])+)/.exec(source);
  if (!m) return undefined;
  const literal = m[1]!.replace(/\\(.)/g, '$1');
  // A quantifier after the literal applies to its last character: that one is not certain.
  const rest = source.slice(m[0].length);
  const certain = /^[*?{]/.test(rest) ? literal.slice(0, -1) : literal;
  return certain.length >= 2 ? certain : undefined;
}

/** Longest literal the prefilter looks for: any part of a required literal is required too. */
const LITERAL_LENGTH = 8;

/**
 * The fewest literals that still find every candidate: cut to LITERAL_LENGTH, without one that
 * contains another (a line holding the longer holds the shorter). Fifty patterns that start
 * `internal-token-N-` are one literal, `internal`: the prefilter's cost does not grow with them.
 */
function minimalLiterals(all: readonly string[]): string[] {
  const cut = [...new Set(all.map((l) => l.slice(0, LITERAL_LENGTH)))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const literal of cut) if (!kept.some((k) => literal.includes(k))) kept.push(literal);
  return kept;
}

/** The redactor for these settings, or undefined when there is nothing to redact. */
export function createRedactor(settings: RedactSettings): Redact | undefined {
  const parts: { source: string; prefixes: string[] | undefined }[] = [];
  if (settings.builtin) for (const p of BUILTIN_SECRETS) parts.push({ source: p.source, prefixes: p.prefixes });
  const alone: RegExp[] = [];
  for (const source of settings.patterns) {
    if (STANDALONE.test(source)) alone.push(new RegExp(source, 'gd'));
    else {
      const literal = leadingLiteral(source);
      parts.push({ source, prefixes: literal === undefined ? undefined : [literal] });
    }
  }
  if (parts.length === 0 && alone.length === 0) return undefined;

  const alternatives: Alternative[] = [];
  let next = 1;
  for (const part of parts) {
    const own = groupCount(part.source);
    alternatives.push({ group: next, captures: own > 0 });
    next += 1 + own;
  }
  const combined = parts.length > 0 ? new RegExp(parts.map((p) => `(${p.source})`).join('|'), 'gd') : undefined;
  const literals = parts.every((p) => p.prefixes !== undefined) ? minimalLiterals(parts.flatMap((p) => p.prefixes!)) : undefined;
  const prefilter = literals && literals.length > 0 ? new RegExp(literals.map(escapeLiteral).join('|')) : undefined;
  const replacement = settings.replacement;

  function replaceAll(text: string, re: RegExp, secretSpan: (m: RegExpExecArray) => [number, number]): string {
    re.lastIndex = 0;
    let out = '';
    let last = 0;
    let changed = false;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const [start, end] = secretSpan(m);
      if (start < last) continue;
      out += text.slice(last, start) + replacement;
      last = end;
      changed = true;
    }
    return changed ? out + text.slice(last) : text;
  }

  const combinedSpan = (m: RegExpExecArray): [number, number] => {
    for (const alt of alternatives) {
      if (m[alt.group] === undefined) continue;
      const inner = alt.captures ? m.indices![alt.group + 1] : undefined;
      return inner ?? m.indices![alt.group]!;
    }
    return [m.index, m.index + m[0].length];
  };
  const aloneSpan = (m: RegExpExecArray): [number, number] => m.indices![1] ?? [m.index, m.index + m[0].length];

  return (text) => {
    let out = text;
    if (combined && (prefilter === undefined || prefilter.test(out))) out = replaceAll(out, combined, combinedSpan);
    for (const re of alone) out = replaceAll(out, re, aloneSpan);
    return out;
  };
}
