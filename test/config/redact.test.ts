import { describe, it, expect } from 'vitest';
import { collectSecretValues, redactText, secretPaths } from '../../src/config/redact.ts';
import { formattedIssues, validConfig, yaml } from './helpers.ts';

describe('secret redaction', () => {
  const config = validConfig(
    yaml(
      'sources:',
      '  - {name: f, type: foundry, endpoint: "https://r/api/projects/p", agent: a, auth: {type: bearer, token: "${env:FT}"}}',
      '  - {name: h, type: hill90, auth: {type: oidc, token_url: "https://k/t", client_id: c, client_secret: oidc-secret}}',
      '  - {name: d, type: daytona, api_key: dtn-key-1, sandbox: s}',
      '  - {name: b, type: agentbox, endpoint: "http://g", api_key: agbx-key-2}',
      'exporter: {headers: {authorization: Bearer hdr-token}}',
    ),
    { FT: 'foundry-token', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=env-header-key' },
  );

  it('finds every secret: tokens, client secrets, API keys and exporter header values', () => {
    expect(collectSecretValues(config).sort()).toEqual(
      ['Bearer hdr-token', 'agbx-key-2', 'dtn-key-1', 'env-header-key', 'foundry-token', 'oidc-secret'].sort(),
    );
    expect(secretPaths(config)).toContainEqual(['sources', 0, 'auth', 'token']);
    expect(secretPaths(config)).toContainEqual(['exporter', 'headers', 'authorization']);
  });

  it('replaces every occurrence, longest secret first', () => {
    const text = 'sent Bearer hdr-token to x; key dtn-key-1 and again dtn-key-1; hdr-token alone';
    expect(redactText(text, ['hdr-token', 'Bearer hdr-token', 'dtn-key-1'])).toBe(
      'sent [REDACTED] to x; key [REDACTED] and again [REDACTED]; [REDACTED] alone',
    );
  });

  it('leaves secrets shorter than 4 characters alone (they would blank out ordinary words)', () => {
    expect(redactText('a b abc', ['abc', 'b'])).toBe('a b abc');
  });
});

describe('issue messages never echo a secret', () => {
  it('a secret of the wrong type is described by its type only', () => {
    const issues = formattedIssues(yaml(
      'sources:',
      '  - name: h',
      '    type: hill90',
      '    auth: {type: bearer, token: {value: 8675309123}}',
      '  - name: d',
      '    type: daytona',
      '    sandbox: s',
      '    api_key: [sk-live-abcdef]',
      'exporter:',
      '  headers: {authorization: {Bearer: zz-header-secret}}',
    ));
    expect(issues).toEqual([
      'test.yaml:4:33  sources[0].auth.token  expected a string, got a mapping  (use ${env:NAME} so the secret stays out of the file)',
      'test.yaml:8:14  sources[1].api_key  expected a string, got a list  (use ${env:NAME} so the secret stays out of the file)',
      'test.yaml:10:28  exporter.headers.authorization  expected a string, got a mapping  (header values are strings, e.g. authorization: "Bearer ${env:OTLP_TOKEN}")',
    ]);
    for (const secret of ['8675309123', 'sk-live-abcdef', 'zz-header-secret']) expect(issues.join('\n')).not.toContain(secret);
  });

  it('a secret value that shows up in another message is redacted', () => {
    // The token is also (wrongly) used as the source name, whose issue quotes the name.
    const issues = formattedIssues(yaml('sources:', '  - name: Tok-SECRET-42', '    type: hill90', '    auth: {type: bearer, token: Tok-SECRET-42}'));
    expect(issues).toEqual([
      'test.yaml:2:11  sources[0].name  "[REDACTED]" is not a valid source name  (lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
    ]);
  });

  it('a secret from the environment is redacted too, and a URL is never quoted', () => {
    const issues = formattedIssues(
      yaml('sources:', '  - name: Agents-${env:TOKEN}', '    type: agentbox', '    endpoint: "ftp://user:${env:TOKEN}@host"', '    api_key: ${env:TOKEN}'),
      { TOKEN: 'env-secret-99' },
    );
    expect(issues).toHaveLength(2);
    expect(issues.join('\n')).not.toContain('env-secret-99');
  });

  it('a YAML syntax error inside a secret does not quote the secret', () => {
    const issues = formattedIssues(yaml(
      'sources:',
      '  - name: agents',
      '    type: hill90',
      '    auth: {type: bearer, token: abcdef}',
      'exporter:',
      '  headers:',
      '    Authorization: |Sk9zLiveSecretXYZ',
      '      more',
    ));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.join('\n')).not.toContain('Sk9zLiveSecretXYZ');
    expect(issues[0]).toContain('exporter.headers.Authorization  YAML syntax error in a secret value (not shown)');
  });
});
