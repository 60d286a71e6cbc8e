/**
 * Secrets from files (`token_file:`, `api_key_file:`, `client_secret_file:`): exactly one of the
 * inline value and the file, the file checked at load with its position, one trailing newline
 * dropped, the content redacted like an inline secret, and the file read again when it changes.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { collectSecretValues } from '../../src/config/redact.ts';
import { currentSecretFile } from '../../src/config/secret-value.ts';
import { formattedIssues, validConfig, yaml } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ale-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('secrets from files in the config', () => {
  it('every platform takes each of its secrets from a file, and the file content is a redacted secret', () => {
    const token = file('token', 'tok-from-file-1234\n');
    const key = file('key', 'key-from-file-5678\r\n');
    const secret = file('secret', 'client-secret-9012');
    const config = validConfig(yaml(
      'sources:',
      `  - {name: f, type: foundry, endpoint: "https://r/api/projects/p", agent: a, auth: {type: bearer, token_file: "${token}"}}`,
      `  - {name: h, type: hill90, auth: {type: oidc, token_url: "https://k/t", client_id: c, client_secret_file: "${secret}"}}`,
      `  - {name: h2, type: hill90, auth: {type: bearer, token_file: "${token}"}}`,
      `  - {name: d, type: daytona, api_key_file: "${key}", sandbox: s}`,
      `  - {name: b, type: agentbox, endpoint: "http://g", api_key_file: "${key}"}`,
    ));
    // One trailing newline (LF or CRLF) is not part of the secret.
    expect(collectSecretValues(config).sort()).toEqual(['client-secret-9012', 'key-from-file-5678', 'tok-from-file-1234']);
  });

  it('inline and file together, neither, an unreadable and an empty file are problems at their position', () => {
    const empty = file('empty', '\n');
    expect(formattedIssues(yaml(
      'sources:',
      '  - name: both',
      '    type: daytona',
      '    sandbox: s',
      '    api_key: k-inline',
      `    api_key_file: ${join(dir, 'k')}`,
      '  - name: neither',
      '    type: agentbox',
      '    endpoint: http://g',
    ))).toEqual([
      'test.yaml:6:5  sources[0].api_key_file  api_key and api_key_file exclude each other  (write the secret as api_key (normally ${env:NAME}) or name the file that holds it as api_key_file, not both)',
      'test.yaml:7:5  sources[1].api_key  missing required key "api_key"  (set api_key: ${env:NAME}, or api_key_file: /path/to/file (re-read when it changes))',
    ]);
    expect(formattedIssues(yaml(
      'sources:',
      `  - {name: gone, type: hill90, auth: {type: bearer, token_file: "${join(dir, 'nosuch')}"}}`,
      `  - {name: blank, type: hill90, auth: {type: bearer, token_file: "${empty}"}}`,
    ))).toEqual([
      `test.yaml:2:65  sources[0].auth.token_file  cannot read "${join(dir, 'nosuch')}" (ENOENT)  (check the path and the file's permissions for the daemon user)`,
      `test.yaml:3:66  sources[1].auth.token_file  "${empty}" is empty  (the file must hold the secret itself (one trailing newline is ignored))`,
    ]);
  });

  it('commands that need no secrets (checkpoints) load without reading the files', () => {
    const text = yaml('sources:', '  - {name: h, type: hill90, auth: {type: bearer, token_file: "${env:TOKEN_FILE}"}}');
    expect(parseConfigText(text, 'test.yaml', {}, { secretsOptional: true }).ok).toBe(true);
    expect(parseConfigText(text, 'test.yaml', { TOKEN_FILE: join(dir, 'nosuch') }, { secretsOptional: true }).ok).toBe(true);
    expect(parseConfigText(text, 'test.yaml', { TOKEN_FILE: join(dir, 'nosuch') }).ok).toBe(false);
  });
});

describe('a secret file at run time', () => {
  it('is read again when it is rewritten or swapped (as the kubelet does), and keeps its last value while it is missing', () => {
    const path = file('rotating', 'first-secret\n');
    expect(currentSecretFile(path)).toBe('first-secret');
    writeFileSync(path, 'second-secret-longer\n');
    expect(currentSecretFile(path)).toBe('second-secret-longer');
    // An atomic swap: a new file renamed over the old one (new inode, maybe the same size and mtime second).
    const next = file('rotating.next', 'third-secret-longer!\n');
    renameSync(next, path);
    expect(currentSecretFile(path)).toBe('third-secret-longer!');
    rmSync(path);
    expect(currentSecretFile(path)).toBe('third-secret-longer!');
    expect(() => currentSecretFile(join(dir, 'never-there'))).toThrow(/ENOENT/);
  });
});
