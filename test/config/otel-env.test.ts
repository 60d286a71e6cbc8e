import { describe, it, expect } from 'vitest';
import { parseKeyValueList } from '../../src/config/otel-env.ts';
import { formattedIssues, HILL90_SOURCE, validConfig, yaml } from './helpers.ts';

const base = yaml(...HILL90_SOURCE);

describe('OTEL_* fallbacks', () => {
  it('defaults to the local collector over protobuf', () => {
    const { exporter, resource } = validConfig(base, {});
    expect(exporter.endpoint).toBe('http://localhost:4318/v1/logs');
    expect(exporter.protocol).toBe('http/protobuf');
    expect(exporter.headers).toEqual({});
    expect(resource).toEqual({});
  });

  it('uses OTEL_EXPORTER_OTLP_LOGS_ENDPOINT as is, before OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    const env = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example.com/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://other.example.com' };
    expect(validConfig(base, env).exporter.endpoint).toBe('https://logs.example.com/custom');
  });

  it.each([
    ['https://otlp.example.com', 'https://otlp.example.com/v1/logs'],
    ['https://otlp.example.com/', 'https://otlp.example.com/v1/logs'],
    ['https://gw.example.com/otlp//', 'https://gw.example.com/otlp/v1/logs'],
  ])('appends /v1/logs to OTEL_EXPORTER_OTLP_ENDPOINT=%s', (value, expected) => {
    expect(validConfig(base, { OTEL_EXPORTER_OTLP_ENDPOINT: value }).exporter.endpoint).toBe(expected);
  });

  it('lets the file win over the environment', () => {
    const text = yaml(...HILL90_SOURCE, 'exporter:', '  endpoint: http://file:4318/v1/logs', '  protocol: http/json');
    const env = { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://env/v1/logs', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
    const { exporter } = validConfig(text, env);
    expect(exporter.endpoint).toBe('http://file:4318/v1/logs');
    expect(exporter.protocol).toBe('http/json');
  });

  it('takes the protocol from the logs variable first, then the generic one; empty means unset', () => {
    expect(validConfig(base, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).exporter.protocol).toBe('http/json');
    expect(validConfig(base, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).exporter.protocol).toBe('http/protobuf');
    expect(validConfig(base, { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: '', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).exporter.protocol).toBe('http/json');
  });

  it('reports an unsupported protocol from the environment', () => {
    expect(formattedIssues(base, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual([
      'test.yaml:1:1  exporter.protocol  OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported  (use http/protobuf or http/json; OTLP over gRPC is not supported)',
    ]);
  });

  it('reports an endpoint variable that is not a URL', () => {
    const [issue] = formattedIssues(base, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' });
    expect(issue).toContain('exporter.endpoint  OTEL_EXPORTER_OTLP_ENDPOINT is not a valid http(s) URL');
  });

  it('merges headers: generic < logs < file, URL-decoded, names case-insensitive', () => {
    const text = yaml(...HILL90_SOURCE, 'exporter:', '  headers: {x-scope-orgid: file-tenant}');
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20abc%3D%3D,X-Scope-OrgID=env-tenant,x-only-generic=1',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=Bearer%20logs-token',
    };
    expect(validConfig(text, env).exporter.headers).toEqual({
      'x-only-generic': '1',
      authorization: 'Bearer logs-token',
      'x-scope-orgid': 'file-tenant',
    });
  });

  it('merges the resource: OTEL_RESOURCE_ATTRIBUTES < OTEL_SERVICE_NAME < file', () => {
    const text = yaml(...HILL90_SOURCE, 'resource: {deployment.environment.name: prod, team: core}');
    const env = {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,deployment.environment.name=dev,k8s.cluster.name=c%201',
      OTEL_SERVICE_NAME: 'exporter',
    };
    const config = validConfig(text, env);
    expect(config.resource).toEqual({
      'service.name': 'exporter',
      'deployment.environment.name': 'prod',
      'k8s.cluster.name': 'c 1',
      team: 'core',
    });
    // Unset in the file, so the mapper falls back to the resource's service.name (see sourceMapping).
    expect(config.sources[0]?.service_name).toBeUndefined();
  });

  it('parses k=v lists leniently, like the SDKs', () => {
    expect(parseKeyValueList(' a = 1 ,, novalue, =x, b=%E2%9C%93, c=100%, d=x=y ')).toEqual({ a: '1', b: '✓', c: '100%', d: 'x=y' });
    expect(parseKeyValueList(undefined)).toEqual({});
  });
});
