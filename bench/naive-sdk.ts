/**
 * The naive baseline (issue 6): what a user would write with the official SDK.
 * undici streams each Foundry session's logstream, eventsource-parser splits the
 * frames, and every `data:` frame becomes one LogRecord emitted through
 * LoggerProvider → BatchLogRecordProcessor → OTLPLogExporter (OTLP/HTTP protobuf, as the daemon sends).
 * No cursor, no spool, no backpressure: exactly the obvious way.
 *
 *   node naive-sdk.js --endpoint URL --agent A --token T --otlp URL [--version V --session S] [--tuned]
 *
 * Without --session it lists the agent's sessions and follows every one.
 * --tuned: maxQueueSize 100 000, maxExportBatchSize 8192 (else the SDK defaults).
 */
import { parseArgs } from 'node:util';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { createParser } from 'eventsource-parser';
import { request } from 'undici';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    agent: { type: 'string' },
    version: { type: 'string' },
    session: { type: 'string' },
    token: { type: 'string' },
    otlp: { type: 'string' },
    tuned: { type: 'boolean', default: false },
  },
});
const endpoint = values.endpoint ?? '';
const agent = values.agent ?? '';
const headers = { authorization: `Bearer ${values.token ?? ''}`, 'foundry-features': 'HostedAgents=V1Preview,AgentEndpoints=V1Preview' };

const exporter = new OTLPLogExporter({ url: values.otlp });
const processor = new BatchLogRecordProcessor({
  exporter,
  ...(values.tuned ? { maxQueueSize: 100_000, maxExportBatchSize: 8192 } : {}),
});
const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'naive-foundry-logs' }), processors: [processor] });
const logger = provider.getLogger('naive-foundry-logs');

interface FoundryLine {
  timestamp?: string;
  stream?: string;
  message?: string;
}

async function follow(version: string, session: string): Promise<void> {
  const url = `${endpoint}/agents/${agent}/versions/${version}/sessions/${session}:logstream?api-version=v1`;
  const response = await request(url, { headers: { ...headers, accept: 'text/event-stream' }, bodyTimeout: 0 });
  const parser = createParser({
    onEvent(event) {
      const line = JSON.parse(event.data) as FoundryLine;
      logger.emit({
        timestamp: line.timestamp ? new Date(line.timestamp) : undefined,
        severityNumber: line.stream === 'stderr' ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: line.stream === 'stderr' ? 'ERROR' : 'INFO',
        body: line.message,
        attributes: { 'log.iostream': line.stream, 'session.id': session },
      });
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
}

async function listSessions(): Promise<{ id: string; version: string }[]> {
  const sessions: { id: string; version: string }[] = [];
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ 'api-version': 'v1', limit: '100', order: 'asc', ...(after ? { after } : {}) });
    const response = await request(`${endpoint}/agents/${agent}/endpoint/sessions?${query.toString()}`, { headers });
    const page = (await response.body.json()) as { data: { agent_session_id: string; version_indicator: { agent_version: string } }[]; has_more: boolean; last_id: string };
    for (const s of page.data) sessions.push({ id: s.agent_session_id, version: s.version_indicator.agent_version });
    if (!page.has_more) return sessions;
    after = page.last_id;
  }
}

const targets = values.session ? [{ id: values.session, version: values.version ?? '' }] : await listSessions();
/** A dropped connection (e.g. a pooled socket the server closed) is retried after a second, as anyone would. */
async function followForever(version: string, session: string): Promise<void> {
  for (;;) {
    try {
      await follow(version, session);
    } catch {
      // reconnect below
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

await Promise.all(targets.map((t) => followForever(t.version, t.id)));
