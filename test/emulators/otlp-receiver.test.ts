// The OTLP receiver must decode exactly what the OpenTelemetry JS serializers
// encode (protobuf and JSON, plain and gzip), and answer as scripted.
import { gzipSync } from 'node:zlib';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../../emulators/otlp-receiver.ts';
import type { OtlpReceiver } from '../../emulators/otlp-receiver.ts';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const resource = resourceFromAttributes({ 'service.name': 'agent-log-exporter', 'cloud.provider': 'azure' });
const scope = { name: 'agent-log-exporter/foundry', version: '0.1.0' };

function logRecord(i: number): ReadableLogRecord {
  return {
    hrTime: [1_773_135_197, 121_000_001 + i],
    hrTimeObserved: [1_773_135_198, 5],
    severityNumber: 9,
    severityText: 'INFO',
    body: `line ${i}: Résumé ✓`,
    eventName: 'agent.console',
    attributes: {
      'log.iostream': i % 2 ? 'stderr' : 'stdout',
      'foundry.session.id': 'sess-1',
      count: 42,
      ratio: 0.5,
      ok: true,
      tags: ['a', 'b'],
      raw: new Uint8Array([1, 2, 255]),
    },
    spanContext: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 },
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
  };
}

const mapBodyRecord: ReadableLogRecord = { ...logRecord(9), body: { message: 'structured', n: 3, nested: { deep: [1, 'x'] } } };

let receiver: OtlpReceiver;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
});

afterEach(async () => {
  await receiver.close();
});

async function post(body: Uint8Array, contentType: string, gzip = false): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const response = await request(receiver.url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? gzipSync(body) : body,
  });
  return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
}

function serialize(format: 'protobuf' | 'json', records: ReadableLogRecord[]): Uint8Array {
  const bytes = (format === 'protobuf' ? ProtobufLogsSerializer : JsonLogsSerializer).serializeRequest(records);
  if (bytes === undefined) throw new Error('serializer returned nothing');
  return bytes;
}

describe('decoding', () => {
  it.each([
    ['protobuf', false],
    ['protobuf', true],
    ['json', false],
    ['json', true],
  ] as const)('%s (gzip: %s) decodes every field', async (format, gzip) => {
    const response = await post(serialize(format, [logRecord(0), logRecord(1), mapBodyRecord]), format === 'json' ? JSON_TYPE : PROTOBUF, gzip);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(format === 'json' ? JSON_TYPE : PROTOBUF);
    const serializer = format === 'json' ? JsonLogsSerializer : ProtobufLogsSerializer;
    expect(serializer.deserializeResponse(new Uint8Array(response.body))).toEqual({});

    expect(receiver.records).toHaveLength(3);
    const [first, second, third] = receiver.records;
    expect(first).toMatchObject({
      resource: { 'service.name': 'agent-log-exporter', 'cloud.provider': 'azure' },
      scope: { name: 'agent-log-exporter/foundry', version: '0.1.0' },
      timeUnixNano: 1_773_135_197_121_000_001n,
      observedTimeUnixNano: 1_773_135_198_000_000_005n,
      severityNumber: 9,
      severityText: 'INFO',
      body: 'line 0: Résumé ✓',
      eventName: 'agent.console',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      flags: 1,
      attributes: {
        'log.iostream': 'stdout',
        'foundry.session.id': 'sess-1',
        count: 42,
        ratio: 0.5,
        ok: true,
        tags: ['a', 'b'],
        raw: new Uint8Array([1, 2, 255]),
      },
    });
    expect(second?.timeUnixNano).toBe(1_773_135_197_121_000_002n);
    expect(second?.attributes['log.iostream']).toBe('stderr');
    expect(third?.body).toEqual({ message: 'structured', n: 3, nested: { deep: [1, 'x'] } });
    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/logs',
      status: 200,
      recordCount: 3,
      contentType: format === 'json' ? JSON_TYPE : PROTOBUF,
      contentEncoding: gzip ? 'gzip' : undefined,
    });
  });

  it('applies the OTLP/JSON rules: int64 strings, enum numbers, hex ids, base64 bytes', async () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }] },
          scopeLogs: [
            {
              scope: { name: 's', version: '1' },
              logRecords: [
                {
                  timeUnixNano: '1773135197121000001',
                  observedTimeUnixNano: 1773135198000000000,
                  severityNumber: 17,
                  severityText: 'ERROR',
                  traceId: '0AF7651916CD43DD8448EB211C80319C',
                  spanId: '',
                  body: { stringValue: 'boom' },
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'small', value: { intValue: 7 } },
                    { key: 'bytes', value: { bytesValue: 'AQL/' } },
                  ],
                  unknownField: 'ignored',
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await post(Buffer.from(JSON.stringify(body)), `${JSON_TYPE}; charset=utf-8`)).status).toBe(200);
    const [record] = receiver.records;
    expect(record).toMatchObject({
      timeUnixNano: 1_773_135_197_121_000_001n,
      severityNumber: 17,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      attributes: { big: 9_007_199_254_740_993n, small: 7, bytes: new Uint8Array([1, 2, 255]) },
    });
    expect(record?.spanId).toBeUndefined();
    expect(record?.raw.timeUnixNano).toBe('1773135197121000001');
  });

  it('answers 400 for undecodable bodies and counts them; 415 for unknown media types', async () => {
    const cases: [Uint8Array, string, string?][] = [
      [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), PROTOBUF],
      [Buffer.from('{not json'), JSON_TYPE],
      [Buffer.from('[1,2]'), JSON_TYPE],
      [Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}'), JSON_TYPE],
      [Buffer.from('{"resourceLogs":5}'), JSON_TYPE],
    ];
    for (const [body, type] of cases) expect((await post(body, type)).status).toBe(400);
    const badEncoding = await request(receiver.url, { method: 'POST', headers: { 'content-type': PROTOBUF, 'content-encoding': 'br' }, body: 'x' });
    expect(badEncoding.statusCode).toBe(400);
    await badEncoding.body.dump();
    expect(receiver.decodeErrors).toBe(cases.length + 1);
    expect((await post(Buffer.from('x'), 'text/plain')).status).toBe(415);
    expect(receiver.records).toHaveLength(0);
    expect(receiver.requests.every((r) => r.error !== undefined)).toBe(true);
  });
});

describe('scripted answers', () => {
  it('plays statuses with Retry-After in order, then 200; keeps records only from 2xx', async () => {
    receiver.respondWith([{ status: 503, retryAfter: 3, times: 2 }, { status: 400, body: 'bad batch' }]);
    const body = serialize('protobuf', [logRecord(0)]);
    const answers: { status: number; retryAfter: unknown }[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await post(body, PROTOBUF);
      answers.push({ status: response.status, retryAfter: response.headers['retry-after'] });
      if (i === 2) expect(response.body.toString()).toBe('bad batch');
    }
    expect(answers).toEqual([
      { status: 503, retryAfter: '3' },
      { status: 503, retryAfter: '3' },
      { status: 400, retryAfter: undefined },
      { status: 200, retryAfter: undefined },
    ]);
    expect(receiver.records).toHaveLength(1);
    expect(receiver.requests.map((r) => [r.status, r.recordCount])).toEqual([
      [503, 1],
      [503, 1],
      [400, 1],
      [200, 1],
    ]);
  });

  it('answers partialSuccess in the request encoding', async () => {
    const partialSuccess = { rejectedLogRecords: 2, errorMessage: 'too old' };
    receiver.respondWith([{ status: 200, partialSuccess }, { status: 200, partialSuccess }]);
    const proto = await post(serialize('protobuf', [logRecord(0), logRecord(1)]), PROTOBUF);
    expect(ProtobufLogsSerializer.deserializeResponse(new Uint8Array(proto.body)).partialSuccess).toEqual(partialSuccess);
    const json = await post(serialize('json', [logRecord(0), logRecord(1)]), JSON_TYPE);
    // int64 as a string, as protobuf's JSON mapping (and the Collector) writes it.
    expect(JSON.parse(json.body.toString())).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'too old' } });
    expect(receiver.requests.map((r) => r.partialSuccess)).toEqual([partialSuccess, partialSuccess]);
  });

  it('acts slow with delayMs', async () => {
    receiver.delayMs = 120;
    const started = Date.now();
    expect((await post(serialize('protobuf', [logRecord(0)]), PROTOBUF)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('helpers', () => {
  it('waitFor resolves on count or predicate and rejects with the current count', async () => {
    const waiting = receiver.waitFor(2, 2000);
    await post(serialize('json', [logRecord(0), logRecord(1)]), JSON_TYPE);
    expect(await waiting).toHaveLength(2);
    await expect(receiver.waitFor((records) => records.some((r) => r.body === 'line 1: Résumé ✓'))).resolves.toHaveLength(2);
    await expect(receiver.waitFor(5, 50)).rejects.toThrow('waitFor timed out after 50 ms with 2 record(s), wanted 5');
  });

  it('reset() forgets everything; close() is idempotent', async () => {
    receiver.respondWith([{ status: 500 }]);
    await post(Buffer.from('garbage'), JSON_TYPE);
    receiver.reset();
    expect([receiver.records.length, receiver.requests.length, receiver.decodeErrors]).toEqual([0, 0, 0]);
    expect((await post(serialize('protobuf', [logRecord(0)]), PROTOBUF)).status).toBe(200);
    await Promise.all([receiver.close(), receiver.close()]);
  });
});
