import { readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { formatIssue } from '../../src/config/issues.ts';
import { validConfig, yaml } from './helpers.ts';
import { DEFAULT_PROCESSING } from '../../src/processing/config-schema.ts';

describe('valid configs', () => {
  it('a full foundry config, with every key', () => {
    const config = validConfig(
      yaml(
        'sources:',
        '  - name: support-agent',
        '    type: foundry',
        '    endpoint: https://res.services.ai.azure.com/api/projects/proj',
        '    agent: support-agent',
        '    version: 3',
        '    session: sess_${env:SESSION}',
        '    api_version: v1',
        '    auth: {type: bearer, token: "${env:FOUNDRY_TOKEN}"}',
        '    drop_heartbeats: false',
        '    discover_interval: 1m',
        '    user_isolation_key: user-1',
        '    service_name: support',
        '    attributes: {team: core, tier: 2, paid: true}',
        '    severity: {stdout: info, stderr: Warning, detect: false}',
        'exporter:',
        '  endpoint: https://otlp.example.com/v1/logs',
        '  protocol: http/json',
        '  headers: {authorization: "Bearer ${env:OTLP_TOKEN}"}',
        '  compression: none',
        '  timeout: 30s',
        '  tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem, insecure_skip_verify: false}',
        '  batch: {max_records: 500, max_bytes: 1MiB, timeout: 250ms, linger: 20ms}',
        '  retry: {initial_interval: 2s, max_interval: 1m}',
        'storage:',
        '  dir: /var/lib/agent-log-exporter',
        '  spool: {enabled: false, max_bytes: 1GiB}',
        'resource: {deployment.environment.name: prod}',
        'server: {listen: ""}',
        'log: {level: debug, format: pretty}',
        'shutdown_timeout: 0s',
      ),
      { SESSION: 'abc', FOUNDRY_TOKEN: 'ft-secret', OTLP_TOKEN: 'otlp-secret' },
    );
    expect(config.sources[0]).toEqual({
      name: 'support-agent', type: 'foundry', endpoint: 'https://res.services.ai.azure.com/api/projects/proj',
      agent: 'support-agent', version: '3', session: 'sess_abc', api_version: 'v1',
      auth: { type: 'bearer', token: 'ft-secret' }, drop_heartbeats: false, discover_interval: 60_000,
      user_isolation_key: 'user-1', service_name: 'support', attributes: { team: 'core', tier: 2, paid: true },
      severity: { stdout: 'INFO', stderr: 'WARNING', detect: false }, processing: DEFAULT_PROCESSING,
    });
    expect(config.exporter).toEqual({
      endpoint: 'https://otlp.example.com/v1/logs', protocol: 'http/json', headers: { authorization: 'Bearer otlp-secret' }, headers_files: {},
      compression: 'none', timeout: 30_000,
      tls: { ca_file: '/etc/ca.pem', cert_file: '/etc/c.pem', key_file: '/etc/k.pem', insecure_skip_verify: false },
      batch: { max_records: 500, max_bytes: 1024 ** 2, timeout: 250, linger: 20 }, retry: { initial_interval: 2000, max_interval: 60_000 },
    });
    expect(config.storage).toEqual({ dir: '/var/lib/agent-log-exporter', spool: { enabled: false, max_bytes: 1024 ** 3 } });
    expect(config.server).toEqual({ listen: '' });
    expect(config.log).toEqual({ level: 'debug', format: 'pretty', progress_interval: 60_000 });
    expect(config.shutdown_timeout).toBe(0);
  });

  it('a minimal foundry config gets every default, durations in ms and sizes in bytes', () => {
    const config = validConfig(yaml('sources:', '  - {name: f, type: foundry, endpoint: "https://r.services.ai.azure.com/api/projects/p", agent: bot}'));
    expect(config).toEqual({
      sources: [{
        name: 'f', type: 'foundry', endpoint: 'https://r.services.ai.azure.com/api/projects/p', agent: 'bot', api_version: 'v1',
        auth: { type: 'azure' }, drop_heartbeats: true, discover_interval: 30_000, attributes: {},
        severity: { stdout: 'INFO', stderr: 'ERROR', detect: true }, processing: DEFAULT_PROCESSING,
      }],
      exporter: {
        endpoint: 'http://localhost:4318/v1/logs', protocol: 'http/protobuf', headers: {}, headers_files: {}, compression: 'gzip', timeout: 10_000,
        tls: { ca_file: null, cert_file: null, key_file: null, insecure_skip_verify: false },
        batch: { max_records: 2048, max_bytes: 4 * 1024 ** 2, timeout: 1000, linger: 200 }, retry: { initial_interval: 1000, max_interval: 30_000 },
      },
      storage: { dir: './data', spool: { enabled: true, max_bytes: 512 * 1024 ** 2 } },
      resource: {},
      server: { listen: '127.0.0.1:13134' },
      // No format: pretty on a terminal, json otherwise (decided where the logger writes).
      log: { level: 'info', progress_interval: 60_000 },
      shutdown_timeout: 10_000,
      processing: DEFAULT_PROCESSING,
    });
  });

  it('a full hill90 config, with OIDC and with a bearer token', () => {
    const config = validConfig(yaml(
      'sources:',
      '  - name: hill-oidc',
      '    type: hill90',
      '    endpoint: http://127.0.0.1:8080',
      '    auth: {type: oidc, token_url: "https://auth.hill90.com/token", client_id: exporter, client_secret: "${env:SECRET}", scope: logs}',
      '    agent_id: agt_1',
      '    tail: ${env:TAIL}',
      '    discover_interval: 45s',
      '  - name: hill-bearer',
      '    type: hill90',
      '    auth: {type: bearer, token: "${env:SECRET}"}',
    ), { SECRET: 'cs', TAIL: '5000' });
    expect(config.sources).toEqual([
      {
        name: 'hill-oidc', type: 'hill90', endpoint: 'http://127.0.0.1:8080', agent_id: 'agt_1', tail: 5000, discover_interval: 45_000,
        auth: { type: 'oidc', token_url: 'https://auth.hill90.com/token', client_id: 'exporter', client_secret: 'cs', scope: 'logs' },
        attributes: {}, severity: { stdout: 'INFO', stderr: 'ERROR', detect: true },
      },
      {
        name: 'hill-bearer', type: 'hill90', endpoint: 'https://api.hill90.com', tail: 100, discover_interval: 30_000,
        auth: { type: 'bearer', token: 'cs' }, attributes: {}, severity: { stdout: 'INFO', stderr: 'ERROR', detect: true },
      },
    ]);
  });

  it('a full daytona config, one command and by labels', () => {
    const config = validConfig(yaml(
      'sources:',
      '  - name: one-command',
      '    type: daytona',
      '    api_url: http://localhost:3000/api',
      '    api_key: ${env:DAYTONA_API_KEY}',
      '    organization_id: org-1',
      '    sandbox: sb-1',
      '    session: build',
      '    command: cmd-1',
      '    entrypoint: false',
      '    toolbox_url: http://localhost:3000/toolbox',
      '    discover_interval: 10s',
      '  - name: by-labels',
      '    type: daytona',
      '    api_key: ${env:DAYTONA_API_KEY}',
      '    sandbox_labels: {app: worker}',
    ), { DAYTONA_API_KEY: '1234567890' });
    expect(config.sources[0]).toMatchObject({
      api_url: 'http://localhost:3000/api', api_key: '1234567890', organization_id: 'org-1', sandbox: 'sb-1', session: 'build',
      command: 'cmd-1', entrypoint: false, toolbox_url: 'http://localhost:3000/toolbox', discover_interval: 10_000,
    });
    expect(config.sources[1]).toMatchObject({ api_url: 'https://app.daytona.io/api', sandbox_labels: { app: 'worker' }, entrypoint: true, discover_interval: 30_000 });
  });

  it('a full agentbox config', () => {
    const config = validConfig(yaml(
      'sources:',
      '  - name: box',
      '    type: agentbox',
      '    endpoint: https://agentbox.example.com',
      '    api_key: ${env:AGENTBOX_API_KEY}',
      '    sandbox: sb-42',
      '    container: main',
      '    runtime: claude',
      '    poll_interval: 2s',
      '    lines: 200',
      '    follow: true',
      '  - {name: pool, type: agentbox, endpoint: "http://127.0.0.1:9000", api_key: k, pool: gpu}',
    ), { AGENTBOX_API_KEY: 'agbx_abc' });
    expect(config.sources[0]).toMatchObject({ sandbox: 'sb-42', container: 'main', runtime: 'claude', poll_interval: 2000, lines: 200, follow: true });
    expect(config.sources[1]).toMatchObject({ pool: 'gpu', poll_interval: 5000, lines: 1000, follow: false });
  });

  const examples = readdirSync(new URL('../../config/', import.meta.url)).filter((f) => f.endsWith('.example.yaml'));
  const env = {
    FOUNDRY_RESOURCE: 'r', FOUNDRY_PROJECT: 'p', FOUNDRY_TOKEN: 't', HILL90_CLIENT_SECRET: 's',
    DAYTONA_API_KEY: 'd', AGENTBOX_API_KEY: 'a',
    // The per-backend examples (Grafana Cloud, Datadog, Elastic, a Collector).
    GRAFANA_CLOUD_REGION: 'prod-eu-west-2', GRAFANA_CLOUD_BASIC_AUTH: 'MTIzOmtleQ==', DD_SITE: 'datadoghq.eu', DD_API_KEY: 'dd',
    ELASTIC_OTLP_HOST: 'apm.example.com:443', ELASTIC_API_KEY: 'el', OTEL_COLLECTOR_LOGS_URL: 'https://otel-collector:4318/v1/logs',
    OTLP_TOKEN: 'o', OTLP_CA_FILE: '/etc/otel-collector-ca/ca.crt',
  };
  it.each(examples)('config/%s is valid', (file) => {
    const result = loadConfig(new URL(`../../config/${file}`, import.meta.url).pathname, env);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([]);
  });

  it('there is an example for every platform', () => {
    expect(examples).toEqual(expect.arrayContaining(['foundry.example.yaml', 'hill90.example.yaml', 'daytona.example.yaml', 'agentbox.example.yaml']));
  });

  it('numbers written where a string is wanted keep the text as written (version: 1.10, session: 007, token: 0123)', () => {
    const config = validConfig(yaml(
      'sources:',
      '  - {name: f, type: foundry, endpoint: "https://r.services.ai.azure.com/api/projects/p", agent: 42, version: 1.10, session: 007,',
      '     auth: {type: bearer, token: 0123}}',
    ));
    const source = config.sources[0] as { agent: string; version: string; session: string; auth: { token: string } };
    expect([source.agent, source.version, source.session, source.auth.token]).toEqual(['42', '1.10', '007', '0123']);
  });
});
