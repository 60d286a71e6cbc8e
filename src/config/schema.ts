// The whole config file of DESIGN §2 as one zod schema: it gives the TypeScript types, the
// defaults, the validation and (through json-schema.ts) config/schema.json.
import { z } from 'zod';
import { attributes, duration, fieldInfo, httpUrl, optionalSize, secretFile, size, text, whenObject } from './fields.ts';
import { sourcesSchema } from './sources-schema.ts';
import { processingSchema } from '../processing/config-schema.ts';

const listen = z.string().refine((v) => v === '' || isListenAddress(v), { error: 'not a valid HOST:PORT address', params: { anchor: 'value' } });
fieldInfo.add(listen, { hint: 'HOST:PORT such as 127.0.0.1:13134 or [::1]:13134; "" disables the server' });

function isListenAddress(value: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):(\d{1,5})$/.exec(value);
  return m !== null && Number(m[2]) <= 65535;
}

const filePath = (description: string, example: string) => text().nullable().default(null).meta({ description, examples: [example] });

const headerValue = z.string();
fieldInfo.add(headerValue, { secret: true, hint: 'header values are strings, e.g. authorization: "Bearer ${env:OTLP_TOKEN}"' });

const exporter = z
  .strictObject({
    // endpoint and protocol have no schema default: otel-env.ts fills them from OTEL_* first.
    endpoint: httpUrl.optional().meta({ description: 'Full OTLP logs URL. Default: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/logs, else http://localhost:4318/v1/logs.', examples: ['https://otel-collector.observability:4318/v1/logs'] }),
    protocol: z.enum(['http/protobuf', 'http/json']).optional().meta({ description: 'Default: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf.' }),
    headers: z
      .record(z.string(), headerValue)
      .prefault({})
      .meta({ description: 'Request headers, merged over OTEL_EXPORTER_OTLP_HEADERS. Values are secrets.', examples: [{ authorization: 'Bearer ${env:OTLP_TOKEN}' }] }),
    headers_files: z
      .record(z.string(), secretFile('header', 'File holding the whole value of this header (e.g. `Bearer eyJ…`); one trailing newline is dropped. Re-read when it changes, so a rotated Secret or projected token is sent from the next request on. Wins over the same header in `headers`.'))
      .prefault({})
      .meta({ description: 'Request headers whose values are read from files (header name → file), for credentials that rotate.', examples: [{ authorization: '/var/run/secrets/otlp/authorization' }] }),
    compression: z.enum(['gzip', 'none']).default('gzip').meta({ description: 'Request body compression.' }),
    timeout: duration('10s').meta({ description: 'Time limit of one export request.' }),
    tls: z
      .strictObject({
        ca_file: filePath('PEM file of the CA(s) that signed the endpoint\'s certificate (default: the system\'s).', '/etc/otel/ca.pem'),
        cert_file: filePath('PEM client certificate, for mutual TLS (needs key_file).', '/etc/otel/client.pem'),
        key_file: filePath('PEM private key of cert_file.', '/etc/otel/client-key.pem'),
        insecure_skip_verify: z.boolean().default(false).meta({ description: 'Accept any server certificate. For tests only.' }),
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
      .prefault({})
      .meta({ description: 'TLS of https endpoints.' }),
    batch: z
      .strictObject({
        max_records: z.int().min(1).default(2048).meta({ description: 'Most records in one request.' }),
        max_bytes: size('4MiB').meta({ description: 'Most bytes (encoded, before compression) in one request.' }),
        timeout: duration('1s').meta({ description: 'Longest time a record waits for its batch to fill.' }),
        linger: duration('200ms').meta({
          description:
            "Once no record came for this long and the exporter has nothing to send, a partial batch goes at once (Nagle's rule) instead of waiting for timeout. Partial batches leave at most once per linger; a burst that visibly ended leaves sooner; a steady trickle waits for timeout. Set it to timeout to send only full or timed-out batches.",
        }),
      })
      .prefault({})
      .meta({ description: 'How records are grouped into requests.' }),
    retry: z
      .strictObject({
        initial_interval: duration('1s').meta({ description: 'First wait before a retry; doubles up to max_interval (full jitter).' }),
        max_interval: duration('30s').meta({ description: 'Longest wait between retries.' }),
      })
      .superRefine((retry, ctx) => {
        const { initial_interval: initial, max_interval: max } = retry as { initial_interval: unknown; max_interval: unknown };
        if (typeof initial === 'number' && typeof max === 'number' && initial > max) {
          ctx.addIssue({ code: 'custom', path: ['initial_interval'], message: 'initial_interval is larger than max_interval', params: { hint: 'backoff grows from initial_interval up to max_interval' } });
        }
      }, whenObject)
      .prefault({})
      .meta({ description: 'Retries of failed requests: until shutdown; a retryable batch is never dropped.' }),
  })
  .prefault({})
  .meta({ description: 'The one OTLP/HTTP endpoint every record goes to.' });

/** The config file as parsed, before the OTEL_* environment fallbacks are applied. */
export const configSchema = z
  .strictObject({
    sources: sourcesSchema,
    exporter,
    storage: z
      .strictObject({
        dir: text().default('./data').meta({ description: 'Directory of state.db (checkpoints and spool). The container image uses /var/lib/agent-log-exporter.' }),
        spool: z
          .strictObject({
            enabled: z.boolean().default(true).meta({ description: 'Buffer records on disk between sources and exporter (off: in memory, checkpoints advance only on a 2xx).' }),
            max_bytes: size('512MiB').meta({ description: 'Spool size limit; a full spool pauses reading, nothing is dropped.' }),
          })
          .prefault({})
          .meta({ description: 'The disk buffer between sources and exporter.' }),
      })
      .prefault({})
      .meta({ description: 'Where the daemon keeps its state.' }),
    processing: processingSchema,
    resource: attributes().meta({ description: 'Resource attributes of every stream, merged over OTEL_RESOURCE_ATTRIBUTES.', examples: [{ 'deployment.environment.name': 'prod' }] }),
    server: z
      .strictObject({ listen: listen.default('127.0.0.1:13134').meta({ description: 'HOST:PORT of /healthz, /readyz and /metrics; "" disables the server.' }) })
      .prefault({})
      .meta({ description: 'The health and metrics endpoint.' }),
    log: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info').meta({ description: 'Least level logged; debug adds stack traces.' }),
        // Unset: pretty when stderr is a terminal, json otherwise (telemetry/logger.ts decides).
        format: z.enum(['json', 'pretty']).optional().meta({ description: 'One JSON object per line (json), or a compact human line (pretty); unset: pretty when stderr is a terminal, else json.' }),
        progress_interval: duration('1m', { allowZero: true }).meta({ description: 'How often an info line sums up records/s per source, spool and export lag; 0 turns it off.' }),
      })
      .prefault({})
      .meta({ description: 'The daemon\'s own logs, on stderr.' }),
    memory_limit: optionalSize().meta({ description: 'Resident memory the daemon stays under: at 80 % of it sources pause reading until the exporter drained (nothing is dropped). Default: 80 % of the container (cgroup) memory limit when there is one, else none.' }),
    shutdown_timeout: duration('10s', { allowZero: true }).meta({ description: 'On SIGTERM/SIGINT, how long in-flight records may take to be delivered before the daemon exits.' }),
  })
  .meta({ title: 'agent-log-exporter configuration' });

export type ParsedConfig = z.output<typeof configSchema>;
export type SourceConfig = ParsedConfig['sources'][number];
export type SeverityConfig = SourceConfig['severity'];
export type { FoundrySourceConfig } from '../sources/foundry/config.ts';
export type { Hill90SourceConfig } from '../sources/hill90/config.ts';
export type { DaytonaSourceConfig } from '../sources/daytona/config.ts';
export type { AgentboxSourceConfig } from '../sources/agentbox/config.ts';

/** The exporter after the OTEL_* fallbacks: endpoint and protocol are always known. */
export type ExporterConfig = Omit<ParsedConfig['exporter'], 'endpoint' | 'protocol'> & {
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
};

/** The config the daemon runs with: the file's values, defaults, and the OTEL_* fallbacks. */
export type Config = Omit<ParsedConfig, 'exporter'> & { exporter: ExporterConfig };
