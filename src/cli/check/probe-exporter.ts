/**
 * One try of the OTLP endpoint through the daemon's own transport (its headers, TLS and
 * timeout): an ExportLogsServiceRequest with no records, which OTLP receivers accept with a
 * 2xx (an empty message is valid protobuf, `{}` valid JSON), so nothing shows up in the backend.
 */
import { gzipSync } from 'node:zlib';
import type { Config } from '../../config/schema.ts';
import { createHttpTransport } from '../../export/http-transport.ts';
import { safeUrl } from '../../util/safe-url.ts';
import { VERSION } from '../../version.ts';

export interface ExporterVerdict {
  ok: boolean;
  line: string;
}

export async function probeExporter(exporter: Config['exporter']): Promise<ExporterVerdict> {
  const transport = createHttpTransport({
    endpoint: exporter.endpoint,
    headers: exporter.headers,
    headerFiles: exporter.headers_files,
    timeoutMs: exporter.timeout,
    tls: exporter.tls,
    userAgent: `agent-log-exporter/${VERSION}`,
  });
  const json = exporter.protocol === 'http/json';
  const raw = json ? new TextEncoder().encode('{}') : new Uint8Array(0);
  const gzip = exporter.compression === 'gzip';
  const where = `${safeUrl(exporter.endpoint)} (${exporter.protocol})`;
  try {
    const outcome = await transport.send(
      {
        id: 0,
        payload: gzip ? new Uint8Array(gzipSync(raw)) : raw,
        contentType: json ? 'application/json' : 'application/x-protobuf',
        contentEncoding: gzip ? 'gzip' : 'identity',
        records: 0,
        bySource: {},
      },
      new AbortController().signal,
    );
    if (outcome.status === 'success') return { ok: true, line: `exporter works: ${where} accepted an empty export request` };
    const refused = outcome.code === '401' || outcome.code === '403';
    const what = refused ? `credentials refused (${outcome.code}; check exporter.headers)` : /^\d+$/.test(outcome.code) ? `answered ${outcome.code}` : `unreachable (${outcome.code})`;
    return { ok: false, line: `exporter ${where}: ${what}: ${outcome.detail}` };
  } finally {
    await transport.close();
  }
}
