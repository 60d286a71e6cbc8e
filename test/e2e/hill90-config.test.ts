/** `validate` with the real CLI: the shipped Hill90 example passes, bad Hill90 keys fail clearly. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('Hill90 config', () => {
  it('validate accepts config/hill90.example.yaml', () => {
    const r = runCli(['validate', '--config', 'config/hill90.example.yaml'], { HILL90_CLIENT_SECRET: 'cs-123' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('source hill90-agents (hill90)');
  });

  it('validate reports every bad hill90 key at once, with position and hint, and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ale-hill90-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, [
      'sources:',
      '  - name: agents',
      '    type: hill90',
      '    auth: {type: oidc, client_id: c, client_secret: "${env:HILL90_CLIENT_SECRET}"}',
      '    agent_idd: 3c90c3cc-0d44-4b50-8888-8dd25736052a',
      '    tail: 9000',
      '    discover_interval: 5',
      '  - name: other',
      '    type: hill90',
      '    endpoint: api.hill90.com',
      '    auth: {type: azure}',
      '',
    ].join('\n'));
    const r = runCli(['validate', '--config', file], { HILL90_CLIENT_SECRET: 'cs-secret-456' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      `${file}:4:5  sources[0].auth.token_url  missing required key "token_url"  (use an absolute URL starting with http:// or https://)`,
      `${file}:5:5  sources[0].agent_idd  unknown key "agent_idd"  (did you mean "agent_id"?)`,
      `${file}:6:11  sources[0].tail  9000 is out of range: must be at most 5000`,
      `${file}:7:24  sources[0].discover_interval  duration 5 has no unit  (write 5s or 5ms)`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, '\\.')}:10:15  sources\\[1\\]\\.endpoint  not a valid http\\(s\\) URL`)),
      `${file}:11:18  sources[1].auth.type  unknown auth type "azure"  (one of: bearer, oidc)`,
    ]);
    expect(r.stderr).not.toContain('cs-secret-456');
  });
});
