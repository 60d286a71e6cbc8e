import { describe, it, expect } from 'vitest';
import { formattedIssues, HILL90_SOURCE, yaml } from './helpers.ts';

const FOUNDRY = ['  - name: support', '    type: foundry', '    endpoint: https://r.services.ai.azure.com/api/projects/p', '    agent: bot'];

interface Case {
  name: string;
  text: string;
  env?: Record<string, string>;
  /** The whole formatted line: FILE:LINE:COL  path  message  (hint). */
  expected: string;
}

const cases: Case[] = [
  {
    name: 'unknown key, with did-you-mean',
    text: yaml(...HILL90_SOURCE, 'exporter:', '  endpont: http://x:4318/v1/logs'),
    expected: 'test.yaml:6:3  exporter.endpont  unknown key "endpont"  (did you mean "endpoint"?)',
  },
  {
    name: 'unknown key that belongs to another source type',
    text: yaml('sources:', '  - name: box', '    type: agentbox', '    endpoint: https://agentbox.example.com', '    api_key: k', '    sandbox_labels: {app: x}'),
    expected: 'test.yaml:6:5  sources[0].sandbox_labels  unknown key "sandbox_labels"  ("sandbox_labels" is a key of type daytona)',
  },
  {
    name: 'an AgentBox window beyond what the API returns',
    text: yaml('sources:', '  - name: box', '    type: agentbox', '    endpoint: https://agentbox.example.com', '    api_key: k', '    lines: 20000'),
    expected: 'test.yaml:6:12  sources[0].lines  20000 is out of range: must be at most 10000  (from 1 to 10000: the AgentBox API returns at most the last 10000 lines of a container)',
  },
  {
    name: 'misspelled type key',
    text: yaml('sources:', '  - name: support', '    typ: foundry', '    agent: bot'),
    expected: 'test.yaml:2:5  sources[0].type  missing required key "type"  ("typ" looks like a misspelling of "type"; one of: foundry, hill90, daytona, agentbox)',
  },
  {
    name: 'bad duration',
    text: yaml(...HILL90_SOURCE, 'exporter:', '  batch:', '    timeout: 10 seconds'),
    expected: 'test.yaml:7:14  exporter.batch.timeout  invalid duration "10 seconds"  (durations look like 500ms, 10s, 1.5s, 5m, 1h or 1h30m)',
  },
  {
    name: 'duration without a unit',
    text: yaml(...HILL90_SOURCE, 'shutdown_timeout: "30"'),
    expected: 'test.yaml:5:19  shutdown_timeout  duration "30" has no unit  (write 30ms or 30s)',
  },
  {
    name: 'bad size',
    text: yaml(...HILL90_SOURCE, 'storage:', '  spool: {max_bytes: 512M}'),
    expected: 'test.yaml:6:22  storage.spool.max_bytes  invalid size "512M"  (write 512MiB for binary or 512MB for decimal units)',
  },
  {
    name: 'wrong enum, with the allowed values',
    text: yaml(...HILL90_SOURCE, 'log:', '  level: warning'),
    expected: 'test.yaml:6:10  log.level  invalid value "warning"  (one of: trace, debug, info, warn, error)',
  },
  {
    name: 'wrong enum, with did-you-mean',
    text: yaml(...HILL90_SOURCE, 'exporter: {compression: gzp}'),
    expected: 'test.yaml:5:25  exporter.compression  invalid value "gzp"  (did you mean "gzip"? one of: gzip, none)',
  },
  {
    name: 'wrong severity level',
    text: yaml(...HILL90_SOURCE, '    severity: {stderr: loud}'),
    expected: 'test.yaml:5:24  sources[0].severity.stderr  invalid value "loud"  (one of: TRACE, DEBUG, INFO, NOTICE, WARN, WARNING, ERROR, ERR, CRITICAL, FATAL, PANIC)',
  },
  {
    name: 'missing sources',
    text: yaml('log: {level: info}', 'exporter: {timeout: 5s}'),
    expected: 'test.yaml:1:1  sources  missing required key "sources"  (add at least one source, e.g. sources: [{name: my-agent, type: foundry, endpoint: https://RESOURCE.services.ai.azure.com/api/projects/PROJECT, agent: my-agent, auth: {type: bearer, token: ${env:FOUNDRY_TOKEN}}}])',
  },
  {
    name: 'empty sources',
    text: yaml('log: {level: info}', 'sources: []'),
    expected: 'test.yaml:2:10  sources  must not be empty  (add at least one source, e.g. sources: [{name: my-agent, type: foundry, endpoint: https://RESOURCE.services.ai.azure.com/api/projects/PROJECT, agent: my-agent, auth: {type: bearer, token: ${env:FOUNDRY_TOKEN}}}])',
  },
  {
    name: 'duplicate source names',
    text: yaml(...HILL90_SOURCE, '  - name: agents', '    type: hill90', '    auth: {type: bearer, token: tok-abcdef}'),
    expected: 'test.yaml:5:5  sources[1].name  duplicate source name "agents" (first used by sources[0])  (source names must be unique: they key checkpoints and metrics)',
  },
  {
    name: 'invalid name pattern',
    text: yaml('sources:', '  - name: Support Agent', '    type: hill90', '    auth: {type: bearer, token: t}'),
    expected: 'test.yaml:2:11  sources[0].name  "Support Agent" is not a valid source name  (lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
  },
  {
    name: 'missing required key points at its object',
    text: yaml('sources:', '  - type: hill90', '    auth: {type: bearer, token: t}'),
    expected: 'test.yaml:2:5  sources[0].name  missing required key "name"  (lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters)',
  },
  {
    name: 'unknown source type',
    text: yaml('sources:', '  - name: x', '    type: daytonna'),
    expected: 'test.yaml:3:11  sources[0].type  unknown type "daytonna"  (did you mean "daytona"? one of: foundry, hill90, daytona, agentbox)',
  },
  {
    name: 'foundry session without version',
    text: yaml('sources:', ...FOUNDRY, '    session: sess_1'),
    expected: 'test.yaml:6:5  sources[0].session  session requires version  (add the agent version that runs the session, or remove session to follow every session of the agent)',
  },
  {
    name: 'foundry without agent',
    text: yaml('sources:', '  - name: support', '    type: foundry', '    endpoint: https://r.services.ai.azure.com/api/projects/p'),
    expected: 'test.yaml:2:5  sources[0].agent  missing required key "agent"  (the hosted agent name; with only agent, every session of the agent is followed)',
  },
  {
    name: 'daytona command without session',
    text: yaml('sources:', '  - name: d', '    type: daytona', '    api_key: k', '    sandbox: sb', '    command: c1'),
    expected: 'test.yaml:6:5  sources[0].command  command requires session  (add the session the command runs in)',
  },
  {
    name: 'unset env var',
    text: yaml('sources:', '  - name: agents', '    type: hill90', '    auth:', '      type: bearer', '      token: ${env:HILL90_TOKEN}'),
    expected: 'test.yaml:6:14  sources[0].auth.token  environment variable HILL90_TOKEN is not set  (set the variable or use ${env:HILL90_TOKEN:-default})',
  },
  {
    name: 'YAML syntax error',
    text: yaml('sources:', '  - name: agents', '    type: hill90', '   auth: {type: bearer, token: t}'),
    expected: 'test.yaml:4:1  sources  Sequence item without - indicator  (YAML syntax: check the indentation, and quote values that contain ": " or " #")',
  },
  {
    name: 'YAML syntax error: an unquoted value with ": "',
    text: yaml('sources:', '  - name: agents', '    type: hill90', '    auth:', '      type: bearer', '      token: abc: def'),
    expected: 'test.yaml:6:14  sources[0].auth.token.abc  Nested mappings are not allowed in compact mappings  (YAML syntax: check the indentation, and quote values that contain ": " or " #")',
  },
  {
    name: 'YAML syntax error: tab indentation',
    text: yaml('sources:', '  - name: agents', '\ttype: hill90'),
    expected: 'test.yaml:3:1  <root>  Tabs are not allowed as indentation  (indent with spaces, not tabs)',
  },
  {
    name: 'duplicate YAML key',
    text: yaml(...HILL90_SOURCE, 'log: {level: info}', 'log: {format: json}'),
    expected: 'test.yaml:6:1  log  Map keys must be unique  (each key may appear only once in a mapping)',
  },
  {
    name: 'tail out of range',
    text: yaml(...HILL90_SOURCE, '    tail: 9000'),
    expected: 'test.yaml:5:11  sources[0].tail  9000 is out of range: must be at most 5000',
  },
  {
    name: 'wrong type for a secret',
    text: yaml('sources:', '  - name: agents', '    type: hill90', '    auth: {type: bearer, token: [31415926535]}'),
    expected: 'test.yaml:4:33  sources[0].auth.token  expected a string, got a list  (use ${env:NAME} so the secret stays out of the file)',
  },
  {
    name: 'bad URL for endpoint',
    text: yaml('sources:', '  - name: box', '    type: agentbox', '    endpoint: agentbox.example.com', '    api_key: k'),
    expected: 'test.yaml:4:15  sources[0].endpoint  not a valid http(s) URL  (the AgentBox gateway URL, e.g. https://agentbox.example.com; the API is under /v1)',
  },
  {
    name: 'bad listen address',
    text: yaml(...HILL90_SOURCE, 'server: {listen: "localhost"}'),
    expected: 'test.yaml:5:18  server.listen  not a valid HOST:PORT address  (HOST:PORT such as 127.0.0.1:13134 or [::1]:13134; "" disables the server)',
  },
  {
    name: 'retry intervals in the wrong order',
    text: yaml(...HILL90_SOURCE, 'exporter:', '  retry: {initial_interval: 1m, max_interval: 30s}'),
    expected: 'test.yaml:6:11  exporter.retry.initial_interval  initial_interval is larger than max_interval  (backoff grows from initial_interval up to max_interval)',
  },
  {
    name: 'bad URL for a URL with a default',
    text: yaml(...HILL90_SOURCE, '    endpoint: api.hill90.com'),
    expected: 'test.yaml:5:15  sources[0].endpoint  not a valid http(s) URL  (use an absolute URL starting with http:// or https://)',
  },
  {
    name: 'a boolean where a duration is expected',
    text: yaml(...HILL90_SOURCE, '    discover_interval: true'),
    expected: 'test.yaml:5:24  sources[0].discover_interval  expected a duration, got a boolean  (e.g. 500ms, 10s, 5m, 1h)',
  },
  {
    name: 'a section that is null',
    text: yaml(...HILL90_SOURCE, 'storage:'),
    expected: 'test.yaml:5:1  storage  expected a mapping, got null  (give it keys, or remove it to use the defaults)',
  },
  {
    name: 'an empty file',
    text: '# nothing yet\n',
    expected: 'test.yaml:1:1  <root>  the file is empty  (start with a sources: list)',
  },
  {
    name: 'a mapping where an identifier is expected',
    text: yaml('sources:', ...FOUNDRY, '    version: {major: 1}', '    session: s'),
    expected: 'test.yaml:6:14  sources[0].version  expected a string, got a mapping  (quote the value, e.g. "1.10")',
  },
];

describe('broken configs', () => {
  it.each(cases)('$name', ({ text, env, expected }) => {
    expect(formattedIssues(text, env)).toEqual([expected]);
  });

  it('has at least 12 distinct cases', () => {
    expect(new Set(cases.map((c) => c.expected)).size).toBeGreaterThanOrEqual(12);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = yaml(
      'sources:',
      '  - name: Bad',
      '    type: hill90',
      '    auth: {type: bearer, token: ${env:MISSING}}',
      '    tail: -1',
      '  - name: box',
      '    type: agentbox',
      '    endpoint: nope',
      '    api_key: k',
      '    container: main',
      'exporter:',
      '  protocol: grpc',
      '  timeot: 5s',
      'log: {format: text}',
    );
    const lines = formattedIssues(text).map((l) => l.split('  ').slice(0, 2).join('  '));
    expect(lines).toEqual([
      'test.yaml:2:11  sources[0].name',
      'test.yaml:4:33  sources[0].auth.token',
      'test.yaml:5:11  sources[0].tail',
      'test.yaml:8:15  sources[1].endpoint',
      'test.yaml:10:5  sources[1].container',
      'test.yaml:12:13  exporter.protocol',
      'test.yaml:13:3  exporter.timeot',
      'test.yaml:14:15  log.format',
    ]);
  });
});

describe('whole-document cases', () => {
  it('a duplicate key does not hide the other problems of the file', () => {
    const issues = formattedIssues(yaml(...HILL90_SOURCE, 'log: {level: info}', 'log: {level: loud}', 'exporter: {timeout: 10}'));
    expect(issues.some((i) => i.includes('each key may appear only once'))).toBe(true);
    expect(issues.some((i) => i.includes('exporter.timeout  duration 10 has no unit'))).toBe(true);
  });
});
