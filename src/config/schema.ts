// The whole config file of DESIGN §2 as one zod schema: it gives the TypeScript types, the
// defaults, the validation and (through json-schema.ts) config/schema.json.
import { z } from 'zod';
import { attributes, duration, fieldInfo, httpUrl, size, text, whenObject } from './fields.ts';
import { sourcesSchema } from './sources-schema.ts';

const listen = z.string().refine((v) => v === '' || isListenAddress(v), { error: 'not a valid HOST:PORT address', params: { anchor: 'value' } });
fieldInfo.add(listen, { hint: 'HOST:PORT such as 127.0.0.1:13133 or [::1]:13133; "" disables the server' });

function isListenAddress(value: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):(\d{1,5})$/.exec(value);
  return m !== null && Number(m[2]) <= 65535;
}

const filePath = text().nullable().default(null);

const headerValue = z.string();
fieldInfo.add(headerValue, { secret: true, hint: 'header values are strings, e.g. authorization: "Bearer ${env:OTLP_TOKEN}"' });

const exporter = z
  .strictObject({
    // endpoint and protocol have no schema default: otel-env.ts fills them from OTEL_* first.
    endpoint: httpUrl.optional().meta({ description: 'Full OTLP logs URL. Default: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/logs, else http://localhost:4318/v1/logs.' }),
    protocol: z.enum(['http/protobuf', 'http/json']).optional().meta({ description: 'Default: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf.' }),
    headers: z.record(z.string(), headerValue).prefault({}).meta({ description: 'Merged over OTEL_EXPORTER_OTLP_HEADERS. Values are secrets.' }),
    compression: z.enum(['gzip', 'none']).default('gzip'),
    timeout: duration('10s'),
    tls: z
      .strictObject({
        ca_file: filePath,
        cert_file: filePath,
        key_file: filePath,
        insecure_skip_verify: z.boolean().default(false),
      })
      .superRefine((tls, ctx) => {
        const cert = tls.cert_file != null;
        const key = tls.key_file != null;
        if (cert !== key) {
          ctx.addIssue({
            code: 'custom', path: [cert ? 'key_file' : 'cert_file'],
            message: `${cert ? 'cert_file' : 'key_file'} requires ${cert ? 'key_file' : 'cert_file'}`,
            params: { hint: 'a client certificate needs both cert_file and key_file' },
          });
        }
      }, whenObject)
      .prefault({}),
    batch: z
      .strictObject({
        max_records: z.int().min(1).default(2048),
        max_bytes: size('4MiB'),
        timeout: duration('1s'),
        linger: duration('200ms'),
      })
      .prefault({}),
    retry: z
      .strictObject({ initial_interval: duration('1s'), max_interval: duration('30s') })
      .superRefine((retry, ctx) => {
        const { initial_interval: initial, max_interval: max } = retry as { initial_interval: unknown; max_interval: unknown };
        if (typeof initial === 'number' && typeof max === 'number' && initial > max) {
          ctx.addIssue({ code: 'custom', path: ['initial_interval'], message: 'initial_interval is larger than max_interval', params: { hint: 'backoff grows from initial_interval up to max_interval' } });
        }
      }, whenObject)
      .prefault({}),
  })
  .prefault({});

/** The config file as parsed, before the OTEL_* environment fallbacks are applied. */
export const configSchema = z
  .strictObject({
    sources: sourcesSchema,
    exporter,
    storage: z
      .strictObject({
        dir: text().default('./data'),
        spool: z.strictObject({ enabled: z.boolean().default(true), max_bytes: size('512MiB') }).prefault({}),
      })
      .prefault({}),
    resource: attributes().meta({ description: 'Resource attributes of every stream, merged over OTEL_RESOURCE_ATTRIBUTES.' }),
    server: z.strictObject({ listen: listen.default('127.0.0.1:13133') }).prefault({}),
    log: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
        format: z.enum(['json', 'pretty']).default('json'),
      })
      .prefault({}),
    shutdown_timeout: duration('10s', { allowZero: true }),
  })
  .meta({ title: 'agent-log-exporter configuration' });

export type ParsedConfig = z.output<typeof configSchema>;
export type SourceConfig = ParsedConfig['sources'][number];
export type FoundrySourceConfig = Extract<SourceConfig, { type: 'foundry' }>;
export type Hill90SourceConfig = Extract<SourceConfig, { type: 'hill90' }>;
export type DaytonaSourceConfig = Extract<SourceConfig, { type: 'daytona' }>;
export type AgentboxSourceConfig = Extract<SourceConfig, { type: 'agentbox' }>;
export type SeverityConfig = SourceConfig['severity'];

/** The exporter after the OTEL_* fallbacks: endpoint and protocol are always known. */
export type ExporterConfig = Omit<ParsedConfig['exporter'], 'endpoint' | 'protocol'> & {
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
};

/** The config the daemon runs with: the file's values, defaults, and the OTEL_* fallbacks. */
export type Config = Omit<ParsedConfig, 'exporter'> & { exporter: ExporterConfig };
