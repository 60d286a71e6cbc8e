/**
 * splitBatch: halves of a batch of several streams (several ResourceLogs), gzip or not, decoded
 * with the official OTLP schema: each record once, in order, each with its own resource and scope.
 */
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createCodec, createStreamEncoding } from '../../src/mapping/encoder.ts';
import { splitBatch } from '../../src/export/split-batch.ts';
import { decodeRequest } from '../../emulators/otlp/decode.ts';
import { flattenRequest } from '../../emulators/otlp/flatten.ts';
import type { SourceMapping } from '../../src/mapping/mapper.ts';
import type { EncodedBatch } from '../../src/mapping/encoded-batch.ts';

const mapping = (name: string): SourceMapping => ({ name, type: 'foundry', serviceName: name, resource: {}, attributes: {}, severity: { stdout: 'INFO', stderr: 'ERROR', detect: true }, version: '1' });

/** The batch's records as resource service, body and trace id, in payload order. */
function records(batch: EncodedBatch): { service: unknown; body: unknown; traceId?: string }[] {
  const raw = batch.contentEncoding === 'gzip' ? gunzipSync(batch.payload) : Buffer.from(batch.payload);
  const format = batch.contentType.includes('json') ? 'json' : 'protobuf';
  return flattenRequest(decodeRequest(raw, format)).map((r) => ({ service: r.resource['service.name'], body: r.body, ...(r.traceId ? { traceId: r.traceId } : {}) }));
}

describe('splitBatch', () => {
  for (const [protocol, compression] of [['http/protobuf', 'gzip'], ['http/protobuf', 'none'], ['http/json', 'none']] as const) {
    it(`${protocol} ${compression}: halves hold every record once, in order, with their resources`, async () => {
      const codec = createCodec(protocol, compression);
      const a = createStreamEncoding(mapping('a'), { key: 'a/1', resource: {} });
      const b = createStreamEncoding(mapping('b'), { key: 'b/1', resource: {} });
      const parts = [
        codec.prepare([{ body: 'a1' }, { body: 'a2', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }], a).part,
        codec.prepare([{ body: 'b1' }, { body: 'b2' }, { body: 'b3' }], b).part,
        codec.prepare([{ body: 'a3' }], a).part,
      ];
      const batch = await codec.join(parts, 6, { a: 3, b: 3 });
      const whole = records(batch);
      const halves = await splitBatch(batch);
      expect(halves).toBeDefined();
      const [first, second] = halves!;
      expect([first.records, second.records]).toEqual([3, 3]);
      expect([first.bySource, second.bySource]).toEqual([{ a: 3 }, { b: 3 }]);
      expect(whole).toHaveLength(6);
      expect(records(first)).toEqual(whole.slice(0, 3));
      expect(records(second)).toEqual(whole.slice(3));
      expect(whole.find((r) => r.body === 'a2')!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const quarter = await splitBatch(second);
      expect(quarter!.map((h) => h.records)).toEqual([1, 2]);
      expect([...records(quarter![0]), ...records(quarter![1])]).toEqual(whole.slice(3));
      expect(await splitBatch(quarter![0])).toBeUndefined();
    });
  }
});
