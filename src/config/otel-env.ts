// The OpenTelemetry SDK environment variables as fallbacks for what the file leaves unset, with
// the SDKs' precedence: the file's value ?? the environment's ?? the built-in default. Pure: the
// environment is a parameter.
import type { Env, PathSegment } from './env-substitution.ts';
import type { Config, ParsedConfig } from './schema.ts';

export const DEFAULT_ENDPOINT = 'http://localhost:4318/v1/logs';
const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
type Protocol = (typeof PROTOCOLS)[number];

export interface EnvFallbackIssue {
  path: PathSegment[];
  message: string;
  hint: string;
}

// The OTel spec treats an empty variable as unset.
const get = (env: Env, name: string): string | undefined => (env[name]?.trim() ? env[name]?.trim() : undefined);

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray % is kept as written rather than failing the whole list
  }
}

/** `k=v,k2=v2` with URL-encoded parts (the W3C Baggage-like format of OTEL_*_HEADERS and OTEL_RESOURCE_ATTRIBUTES). Malformed entries are skipped, as the SDKs do. */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (text ?? '').split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const key = decode(entry.slice(0, eq).trim());
    if (key) out[key] = decode(entry.slice(eq + 1).trim());
  }
  return out;
}

const isHttpUrl = (value: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

function endpoint(user: string | undefined, env: Env, issues: EnvFallbackIssue[]): string {
  if (user !== undefined) return user;
  const logs = get(env, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  const base = get(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  // The signal-specific URL is used as is; the base one gets the logs path appended.
  const [name, url] = logs !== undefined
    ? ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', logs]
    : base !== undefined ? ['OTEL_EXPORTER_OTLP_ENDPOINT', `${base.replace(/\/+$/, '')}/v1/logs`] : ['', DEFAULT_ENDPOINT];
  if (name && !isHttpUrl(url)) {
    issues.push({ path: ['exporter', 'endpoint'], message: `${name} is not a valid http(s) URL`, hint: 'fix the variable, or set exporter.endpoint in the file' });
  }
  return url;
}

function protocol(user: Protocol | undefined, env: Env, issues: EnvFallbackIssue[]): Protocol {
  if (user !== undefined) return user;
  const name = get(env, 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = get(env, name);
  if (value === undefined) return 'http/protobuf';
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as Protocol;
  issues.push({
    path: ['exporter', 'protocol'], message: `${name}="${value}" is not supported`,
    hint: 'use http/protobuf or http/json; OTLP over gRPC is not supported',
  });
  return 'http/protobuf';
}

/** Merges header maps; HTTP names are case-insensitive, so a later `authorization` replaces an earlier `Authorization`. */
function mergeHeaders(...layers: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      for (const existing of Object.keys(out)) if (existing.toLowerCase() === name.toLowerCase()) delete out[existing];
      out[name] = value;
    }
  }
  return out;
}

/**
 * Fills the exporter endpoint, protocol, headers and the resource from OTEL_* variables:
 * endpoint from OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/logs,
 * else http://localhost:4318/v1/logs; headers are OTEL_EXPORTER_OTLP_HEADERS <
 * OTEL_EXPORTER_OTLP_LOGS_HEADERS < the file; resource is OTEL_RESOURCE_ATTRIBUTES <
 * OTEL_SERVICE_NAME (as service.name) < the file. A source's service_name still wins per stream.
 */
export function applyOtelEnv(parsed: ParsedConfig, env: Env): { config: Config; issues: EnvFallbackIssue[] } {
  const issues: EnvFallbackIssue[] = [];
  const serviceName = get(env, 'OTEL_SERVICE_NAME');
  const config: Config = {
    ...parsed,
    exporter: {
      ...parsed.exporter,
      endpoint: endpoint(parsed.exporter.endpoint, env, issues),
      protocol: protocol(parsed.exporter.protocol, env, issues),
      headers: mergeHeaders(
        parseKeyValueList(get(env, 'OTEL_EXPORTER_OTLP_HEADERS')),
        parseKeyValueList(get(env, 'OTEL_EXPORTER_OTLP_LOGS_HEADERS')),
        parsed.exporter.headers,
      ),
    },
    resource: {
      ...parseKeyValueList(get(env, 'OTEL_RESOURCE_ATTRIBUTES')),
      ...(serviceName !== undefined ? { 'service.name': serviceName } : {}),
      ...parsed.resource,
    },
  };
  return { config, issues };
}
