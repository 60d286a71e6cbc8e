// Every `*_file` secret of a valid config must be readable and non-empty at start-up (and on
// SIGHUP): a wrong path is a config problem with its FILE:LINE:COL, not a 401 an hour later.
import type { PathSegment } from './path.ts';
import { secretFilePaths } from './redact.ts';
import { readSecretFile } from './secret-value.ts';

export interface SecretFileIssue {
  path: PathSegment[];
  message: string;
  hint: string;
}

export function secretFileIssues(config: unknown): SecretFileIssue[] {
  const issues: SecretFileIssue[] = [];
  for (const path of secretFilePaths(config)) {
    const file = String(path.reduce<unknown>((v, seg) => (v as Record<PathSegment, unknown>)[seg], config));
    try {
      if (readSecretFile(file) === '') {
        issues.push({ path, message: `"${file}" is empty`, hint: 'the file must hold the secret itself (one trailing newline is ignored)' });
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      issues.push({ path, message: `cannot read "${file}" (${code})`, hint: "check the path and the file's permissions for the daemon user" });
    }
  }
  return issues;
}
