import { describe, it, expect } from 'vitest';
import { LineCounter } from 'yaml';
import { parseYamlWithEnv, type Env } from '../../src/config/env-substitution.ts';

function substitute(text: string, env: Env) {
  const lineCounter = new LineCounter();
  const parsed = parseYamlWithEnv(text, env, lineCounter);
  return {
    value: parsed.doc.toJS() as Record<string, unknown>,
    errors: parsed.doc.errors,
    issues: parsed.issues.map((i) => ({ ...lineCounter.linePos(i.offset), path: i.path, message: i.message, hint: i.hint })),
  };
}

describe('env substitution', () => {
  it('substitutes ${env:NAME} inside scalars, embedded or whole', () => {
    const { value, issues } = substitute('a: ${env:A}\nb: "x-${env:A}-y"\nc: [${env:A}]\n', { A: 'one' });
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: 'one', b: 'x-one-y', c: ['one'] });
  });

  it('uses the default only when the variable is unset', () => {
    const text = 'a: ${env:A:-fallback}\nb: ${env:B:-fallback}\n';
    expect(substitute(text, { B: '' }).value).toEqual({ a: 'fallback', b: '' });
  });

  it('turns $${ into a literal ${ without substituting', () => {
    const { value, issues } = substitute('a: $${env:A}\nb: "$5 and $${not:a ref} and ${env:A}"\n', { A: 'yes' });
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: '${env:A}', b: '$5 and ${not:a ref} and yes' });
  });

  it('keeps the YAML structure when a value contains ": " and " #"', () => {
    const env = { TOKEN: 'abc: def # not a comment', OTHER: 'x' };
    const { value, errors } = substitute('auth:\n  token: ${env:TOKEN}\n  other: ${env:OTHER}\nlast: 1\n', env);
    expect(errors).toEqual([]);
    expect(value).toEqual({ auth: { token: 'abc: def # not a comment', other: 'x' }, last: 1 });
  });

  it('works unquoted inside flow collections, and with ": " and " #" in a default', () => {
    const { value, errors } = substitute('auth: {type: bearer, token: ${env:T}}\nlist: [${env:U:-a: b # c}, z]\n', { T: 'x,y}' });
    expect(errors).toEqual([]);
    expect(value).toEqual({ auth: { type: 'bearer', token: 'x,y}' }, list: ['a: b # c', 'z'] });
  });

  it('reports an unset variable without default by name, at its line and column', () => {
    const { issues } = substitute('sources:\n  - name: a\n    token: "Bearer ${env:MISSING_TOKEN}"\n', {});
    expect(issues).toEqual([
      {
        line: 3, col: 20, path: ['sources', 0, 'token'],
        message: 'environment variable MISSING_TOKEN is not set', hint: 'set the variable or use ${env:MISSING_TOKEN:-default}',
      },
    ]);
  });

  it('keeps every later position exact after long substitutions', () => {
    const { issues } = substitute('a: ${env:LONG} ${env:LONG}\nb: ${env:NOPE}\n', { LONG: 'x'.repeat(500) });
    expect(issues.map((i) => [i.line, i.col])).toEqual([[2, 4]]);
  });

  it('ignores references in comments', () => {
    const { issues, value } = substitute('# set ${env:NOT_NEEDED} first\na: 1 # or ${env:ALSO_NOT}\n', {});
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: 1 });
  });

  it('types a plain whole-value reference like YAML would, and leaves quoted or embedded ones strings', () => {
    const env = { N: '200', B: 'false', F: '1.5', S: 'text', E: '' };
    const text = 'n: ${env:N}\nb: ${env:B}\nf: ${env:F}\ns: ${env:S}\ne: ${env:E}\nq: "${env:N}"\nm: ${env:N}s\n';
    expect(substitute(text, env).value).toEqual({ n: 200, b: false, f: 1.5, s: 'text', e: '', q: '200', m: '200s' });
  });

  it('reports malformed references', () => {
    const { issues } = substitute('a: ${HOME}\nb: ${env:1BAD}\nc: x ${\n', {});
    expect(issues.map((i) => [i.line, i.message])).toEqual([
      [1, 'invalid substitution'],
      [2, 'invalid substitution'],
      [3, 'invalid substitution'],
    ]);
    expect(issues[0]?.hint).toContain('${env:NAME:-default}');
  });

  it('still resolves references when the text crowds out the placeholder alphabet', () => {
    const text = 'noise: QX QXQ QXQQ QXQQQ QXQQQQ QXQQQQQ\na: ${env:A}\nb: x${env:A}\n';
    expect(substitute(text, { A: '7' }).value).toEqual({ noise: 'QX QXQ QXQQ QXQQQ QXQQQQ QXQQQQQ', a: 7, b: 'x7' });
  });

  it('substitutes in keys too', () => {
    expect(substitute('${env:K}: v\n', { K: 'key' }).value).toEqual({ key: 'v' });
  });
});
