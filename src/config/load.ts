// Reads and validates a config file, reporting every problem at once, each at its LINE:COL.
import { readFileSync } from 'node:fs';
import { LineCounter, type Document, type YAMLError } from 'yaml';
import { parseYamlWithEnv, type SubstitutionOptions, pathKey, type Env, type PathSegment } from './env-substitution.ts';
import { formatPath, type ConfigIssue } from './issues.ts';
import { applyOtelEnv } from './otel-env.ts';
import { withSourceProcessing } from '../processing/source-settings.ts';
import { collectSecretValues, isSecretPath, redactText } from './redact.ts';
import { controlCharIssues } from './control-chars.ts';
import { secretFileIssues } from './secret-files-check.ts';
import { configSchema, type Config, type ParsedConfig } from './schema.ts';
import { offsetOf, pathAt } from './yaml-positions.ts';
import { fromZodIssue, type PathIssue } from './zod-issues.ts';

export type LoadResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

interface Located {
  offset: number;
  path: PathSegment[];
  message: string;
  hint?: string | undefined;
}

export interface LoadOptions extends SubstitutionOptions {
  /** Checks run on a valid config; their problems are reported with positions like schema problems. */
  check?(config: Config): { path: PathSegment[]; message: string; hint: string }[];
}

/** Reads `path` and validates it (synchronously: it runs at start-up and on SIGHUP). */
export function loadConfig(path: string, env: Env, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    // A byte-order mark is not part of the YAML: without it, columns on line 1 are right.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    return { ok: false, issues: [readIssue(path, err)] };
  }
  return parseConfigText(text, path, env, options);
}

function readIssue(file: string, err: unknown): ConfigIssue {
  const code = (err as { code?: string }).code;
  const where = { file, line: 1, col: 1, path: '' };
  if (code === 'ENOENT') {
    return { ...where, message: 'config file not found', hint: 'pass --config FILE or set AGENT_LOG_EXPORTER_CONFIG; examples are in config/*.example.yaml' };
  }
  if (code === 'EISDIR') return { ...where, message: 'the config path is a directory', hint: 'point --config at the YAML file itself' };
  if (code === 'EACCES') return { ...where, message: 'permission denied reading the config file', hint: 'make the file readable by the daemon user' };
  return { ...where, message: `cannot read the config file (${code ?? String(err)})` };
}

/** Validates config text; pure apart from `env`, which is only read. `fileName` labels the issues. */
export function parseConfigText(text: string, fileName: string, env: Env, options: LoadOptions = {}): LoadResult {
  const lineCounter = new LineCounter();
  const parsed = parseYamlWithEnv(text, env, lineCounter, options);
  const { doc } = parsed;
  const found: Located[] = parsed.issues.map((i) => ({ ...i }));
  for (const error of doc.errors) {
    const path = pathAt(doc, error.pos[0]);
    // The parser quotes the source text it choked on; inside a secret that text is the secret.
    const inSecret = isSecretPath(path) || (path[0] === 'exporter' && path[1] === 'headers');
    const message = inSecret
      ? 'YAML syntax error in a secret value (not shown)'
      : error.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document'
        : error.message;
    found.push({ offset: error.pos[0], path, message, hint: yamlHint(error) });
  }

  let data: unknown;
  // A document with syntax errors is only partly right: validating it would add noise. Duplicate
  // keys are the exception: the document is whole, so its other problems are reported too.
  if (doc.errors.every((e) => e.code === 'DUPLICATE_KEY')) {
    try {
      data = doc.toJS();
    } catch (err) {
      // yaml refuses alias bombs ("billion laughs") here.
      found.push({ offset: 0, path: [], message: err instanceof Error ? err.message : String(err), hint: 'expand the YAML aliases (*name) by hand' });
      return { ok: false, issues: finish(found, undefined, fileName, lineCounter) };
    }
    const validated = validate(data, parsed.retyped);
    data = validated.data;
    if (validated.ok && found.length === 0) {
      const { config, issues } = applyOtelEnv(withSourceProcessing(validated.config), env);
      // Checks beyond the schema (what this build can run, files it must read), placed like the rest.
      // Secret files are read now (commands that need no secrets skip them), so a wrong path fails fast.
      if (issues.length === 0 && options.secretsOptional !== true) issues.push(...secretFileIssues(config), ...controlCharIssues(config));
      if (issues.length === 0) issues.push(...(options.check?.(config) ?? []));
      if (issues.length === 0) return { ok: true, config };
      for (const i of issues) found.push(locate(doc, { ...i, anchor: 'value' }));
    } else if (!validated.ok) {
      for (const issue of validated.issues) {
        // An unset variable already has its issue; "must not be empty" there would repeat it.
        if (parsed.unresolved.some((p) => isPrefix(p, issue.path))) continue;
        found.push(locate(doc, issue));
      }
    }
  }
  return { ok: false, issues: finish(found, data, fileName, lineCounter, doc) };
}

const isPrefix = (prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean =>
  prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);

type Validated = { ok: true; config: ParsedConfig; data: unknown } | { ok: false; issues: PathIssue[]; data: unknown };

function validate(data: unknown, retyped: Map<string, string>): Validated {
  let result = configSchema.safeParse(data, { reportInput: true });
  // `${env:…}` values were typed like YAML (a numeric key became a number). Where the schema
  // wanted something else, give those fields their string form and validate once more.
  if (!result.success) {
    let changed = false;
    for (const issue of result.error.issues) {
      // Only where a string was wanted: `tail: 9000` out of range stays a range problem.
      if (issue.code !== 'invalid_type' || issue.expected !== 'string') continue;
      const text = retyped.get(pathKey(issue.path as PathSegment[]));
      if (text !== undefined) changed = setAt(data, issue.path as PathSegment[], text) || changed;
    }
    if (changed) result = configSchema.safeParse(data, { reportInput: true });
  }
  if (result.success) return { ok: true, config: result.data, data };
  return { ok: false, data, issues: result.error.issues.flatMap((i) => fromZodIssue(i, data, configSchema)) };
}

function setAt(data: unknown, path: PathSegment[], value: unknown): boolean {
  let target = data as Record<PathSegment, unknown> | null;
  for (const seg of path.slice(0, -1)) target = (target?.[seg] ?? null) as Record<PathSegment, unknown> | null;
  const last = path.at(-1);
  if (typeof target !== 'object' || target === null || last === undefined) return false;
  target[last] = value;
  return true;
}

function locate(doc: Document, issue: PathIssue): Located {
  return { offset: offsetOf(doc, issue.path, issue.anchor), path: issue.path, message: issue.message, hint: issue.hint };
}

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'each key may appear only once in a mapping',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: 'the config is a single YAML document: remove the extra ---',
};

function yamlHint(error: YAMLError): string {
  return YAML_HINTS[error.code] ?? 'YAML syntax: check the indentation, and quote values that contain ": " or " #"';
}

/** Positions, secret redaction, order by position, no duplicates. */
function finish(found: Located[], data: unknown, file: string, lineCounter: LineCounter, doc?: Document): ConfigIssue[] {
  const secrets = collectSecretValues(data ?? bestEffortData(doc));
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const f of found.sort((a, b) => a.offset - b.offset)) {
    const { line, col } = lineCounter.linePos(f.offset);
    const issue: ConfigIssue = { file, line, col, path: formatPath(f.path), message: redactText(f.message, secrets) };
    if (f.hint) issue.hint = redactText(f.hint, secrets);
    const key = `${line}:${col}:${issue.path}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(issue);
  }
  return out;
}

/** What a document with syntax errors still holds, for finding its secrets; undefined if nothing. */
function bestEffortData(doc: Document | undefined): unknown {
  try {
    return doc?.toJS();
  } catch {
    return undefined;
  }
}
