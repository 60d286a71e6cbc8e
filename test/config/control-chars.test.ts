/**
 * A secret or header value with a newline, carriage return or another control character fails
 * `validate` and `run` with exit 2, the key path and a hint — the trailing newline of a mounted
 * file said as such — and never the value (issue 11 item 4). The real CLI, as a user runs it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ale-ctl-'));
const SECRET = 'tok-9f3c2a71e5';

function config(auth = 'token: "${env:FOUNDRY_TOKEN}"'): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `sources:
  - name: support
    type: foundry
    endpoint: https://example.services.ai.azure.com/api/projects/p
    agent: support-agent
    auth: {type: bearer, ${auth}}
exporter:
  endpoint: http://127.0.0.1:4318/v1/logs
  headers: {x-api-key: "\${env:BACKEND_KEY}"}
storage: {dir: ${dir}/data}
server: {listen: ""}
`,
  );
  return file;
}

describe('control characters in secrets and headers', () => {
  it('a token with a trailing newline (a mounted file read with $(cat)): validate and run exit 2 naming the key and the cause, never the value', () => {
    const file = config();
    for (const command of ['validate', 'run']) {
      const r = runCli([command, '--config', file], { FOUNDRY_TOKEN: `${SECRET}\n`, BACKEND_KEY: 'fine-key-123' });
      expect(r.status, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/:6:\d+\s+sources\[0\]\.auth\.token\s+the secret ends with a newline \(value not shown\)/);
      expect(r.stderr).toContain('mounted file');
      expect(r.stderr + r.stdout).not.toContain(SECRET);
    }
  });

  it('a header value with a control character inside, and with CRLF at the end', () => {
    const file = config();
    const inside = runCli(['validate', '--config', file], { FOUNDRY_TOKEN: SECRET, BACKEND_KEY: `key\u0001${SECRET}` });
    expect(inside.status).toBe(2);
    expect(inside.stderr).toMatch(/exporter\.headers\.x-api-key\s+the header value contains a control character \(U\+0001 at position 4; value not shown\)/);
    expect(inside.stderr).not.toContain(SECRET);
    const crlf = runCli(['validate', '--config', file], { FOUNDRY_TOKEN: SECRET, BACKEND_KEY: `${SECRET}\r\n` });
    expect(crlf.status).toBe(2);
    expect(crlf.stderr).toContain('ends with a carriage return and newline');
    expect(crlf.stderr).not.toContain(SECRET);
  });

  it('a secret file whose content holds a control character (one trailing newline is fine)', () => {
    const tokenFile = join(dir, 'token');
    const yaml = config(`token_file: ${tokenFile}`);
    writeFileSync(tokenFile, `${SECRET}\n`);
    expect(runCli(['validate', '--config', yaml], { BACKEND_KEY: 'fine-key-123' }).status).toBe(0);
    writeFileSync(tokenFile, `${SECRET}\u0007\n`);
    const bad = runCli(['validate', '--config', yaml], { BACKEND_KEY: 'fine-key-123' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/sources\[0\]\.auth\.token_file\s+the file's secret contains a control character \(U\+0007/);
    expect(bad.stderr).not.toContain(SECRET);
  });
});
