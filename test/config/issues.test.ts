import { describe, it, expect } from 'vitest';
import { formatIssue, formatPath } from '../../src/config/issues.ts';
import { loadConfig } from '../../src/config/load.ts';

describe('formatIssue', () => {
  it('renders FILE:LINE:COL  path  message  (hint)', () => {
    expect(formatIssue({ file: 'a.yaml', line: 3, col: 7, path: 'sources[0].auth.token', message: 'must not be empty', hint: 'set it' })).toBe(
      'a.yaml:3:7  sources[0].auth.token  must not be empty  (set it)',
    );
  });

  it('omits the parentheses without a hint, and names the root', () => {
    expect(formatIssue({ file: 'a.yaml', line: 1, col: 1, path: '', message: 'the file is empty' })).toBe('a.yaml:1:1  <root>  the file is empty');
  });
});

describe('formatPath', () => {
  it('dots keys, brackets indexes and quotes keys that are not identifiers', () => {
    expect(formatPath(['sources', 0, 'auth', 'token'])).toBe('sources[0].auth.token');
    expect(formatPath(['resource', 'deployment.environment.name'])).toBe('resource["deployment.environment.name"]');
    expect(formatPath(['exporter', 'headers', 'x-api-key'])).toBe('exporter.headers.x-api-key');
    expect(formatPath([])).toBe('');
  });
});

describe('loadConfig', () => {
  it('reports a missing file as one issue with a hint', () => {
    const result = loadConfig('/nonexistent/agent-log-exporter.yaml', {});
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      '/nonexistent/agent-log-exporter.yaml:1:1  <root>  config file not found  (pass --config FILE or set AGENT_LOG_EXPORTER_CONFIG; examples are in config/*.example.yaml)',
    ]);
  });
});
