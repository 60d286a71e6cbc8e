// One problem found in a config file, and its one-line rendering for `validate` and startup.

/** A config problem, at the place in the file a person has to edit. */
export interface ConfigIssue {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted key path with [i] for list items, e.g. `sources[0].auth.token`; '' for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** `FILE:LINE:COL  path  message  (hint)`; a whole-file issue shows `<root>` as its path. */
export function formatIssue(issue: ConfigIssue): string {
  const head = `${issue.file}:${issue.line}:${issue.col}  ${issue.path === '' ? '<root>' : issue.path}  ${issue.message}`;
  return issue.hint ? `${head}  (${issue.hint})` : head;
}

/** `['sources', 0, 'auth', 'token']` → `sources[0].auth.token`; odd keys are quoted: `resource["a.b"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
