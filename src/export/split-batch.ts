/**
 * Halves of an encoded batch, for an endpoint that answered 413 (DESIGN §5). The payload is cut
 * where it is already cut: ExportLogsServiceRequest → ResourceLogs → ScopeLogs → LogRecords.
 * Protobuf is split on the wire (each record's bytes are copied as they are; resource and scope
 * are repeated in both halves); JSON is parsed and written again. Record order is kept: the
 * first half holds the first records.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import type { EncodedBatch } from '../mapping/encoded-batch.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** One ScopeLogs as bytes: its fields other than the records, and each record. */
interface ScopeChunk {
  /** ResourceLogs fields other than scope_logs (resource, schema_url), tags included. */
  resource: Uint8Array[];
  /** ScopeLogs fields other than log_records (scope, schema_url), tags included. */
  scope: Uint8Array[];
  records: Uint8Array[];
}

/** Field bytes with tag, read from `reader` after `tag` was read. */
function rawField(reader: protobuf.Reader, bytes: Uint8Array, tag: number): Uint8Array {
  const start = reader.pos;
  reader.skipType(tag & 7);
  const tagBytes = new protobuf.Writer().uint32(tag).finish();
  const out = new Uint8Array(tagBytes.length + reader.pos - start);
  out.set(tagBytes, 0);
  out.set(bytes.subarray(start, reader.pos), tagBytes.length);
  return out;
}

function parseProtobuf(body: Uint8Array): ScopeChunk[] {
  const chunks: ScopeChunk[] = [];
  const top = protobuf.Reader.create(body);
  while (top.pos < top.len) {
    const tag = top.uint32();
    if (tag !== 0x0a) {
      top.skipType(tag & 7);
      continue;
    }
    const resourceLogs = top.bytes();
    const rl = protobuf.Reader.create(resourceLogs);
    const resource: Uint8Array[] = [];
    const scopes: Uint8Array[] = [];
    while (rl.pos < rl.len) {
      const t = rl.uint32();
      if (t === 0x12) scopes.push(rl.bytes());
      else resource.push(rawField(rl, resourceLogs, t));
    }
    for (const scopeLogs of scopes) {
      const sl = protobuf.Reader.create(scopeLogs);
      const chunk: ScopeChunk = { resource, scope: [], records: [] };
      while (sl.pos < sl.len) {
        const t = sl.uint32();
        if (t === 0x12) chunk.records.push(sl.bytes());
        else chunk.scope.push(rawField(sl, scopeLogs, t));
      }
      chunks.push(chunk);
    }
  }
  return chunks;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** A length-delimited field of the given tag byte around `parts`. */
function delimited(tag: number, parts: Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return [Uint8Array.of(tag), varint(length), ...parts];
}

function writeProtobuf(chunks: ScopeChunk[]): Uint8Array {
  const out: Uint8Array[] = [];
  for (const chunk of chunks) {
    const records = chunk.records.flatMap((r) => delimited(0x12, [r]));
    const scopeLogs = delimited(0x12, [...chunk.scope, ...records]);
    out.push(...delimited(0x0a, [...chunk.resource, ...scopeLogs]));
  }
  return Buffer.concat(out);
}

/** The records of `chunks` cut after the first `n`, each side keeping its resource and scope. */
function cut<T extends { records: unknown[] }>(chunks: T[], n: number): [T[], T[]] {
  const first: T[] = [];
  const second: T[] = [];
  let left = n;
  for (const chunk of chunks) {
    if (left >= chunk.records.length) {
      first.push(chunk);
      left -= chunk.records.length;
    } else if (left === 0) second.push(chunk);
    else {
      first.push({ ...chunk, records: chunk.records.slice(0, left) });
      second.push({ ...chunk, records: chunk.records.slice(left) });
      left = 0;
    }
  }
  return [first, second];
}

interface JsonChunk {
  resourceLogs: Record<string, unknown>;
  scopeLogs: Record<string, unknown>;
  records: unknown[];
}

function parseJson(body: Uint8Array): JsonChunk[] {
  const request = JSON.parse(new TextDecoder().decode(body)) as { resourceLogs?: Record<string, unknown>[] };
  const chunks: JsonChunk[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    for (const scopeLogs of (resourceLogs.scopeLogs as Record<string, unknown>[] | undefined) ?? []) {
      chunks.push({ resourceLogs, scopeLogs, records: (scopeLogs.logRecords as unknown[] | undefined) ?? [] });
    }
  }
  return chunks;
}

function writeJson(chunks: JsonChunk[]): Uint8Array {
  const resourceLogs = chunks.map((c) => ({ ...c.resourceLogs, scopeLogs: [{ ...c.scopeLogs, logRecords: c.records }] }));
  return new TextEncoder().encode(JSON.stringify({ resourceLogs }));
}

/**
 * Record counts per source for each half. A batch knows its counts per source, not which record
 * came from which source: a one-source batch is exact; a mixed one is split in the order the
 * sources first added records (metrics only: the records themselves are exact).
 */
/** The records of `chunks` cut in two halves and written back; undefined below two records. */
function halve<T extends { records: unknown[] }>(chunks: T[], write: (part: T[]) => Uint8Array): { firstCount: number; halves: Uint8Array[] } | undefined {
  const total = chunks.reduce((n, c) => n + c.records.length, 0);
  if (total < 2) return undefined;
  const firstCount = Math.floor(total / 2);
  return { firstCount, halves: cut(chunks, firstCount).map(write) };
}

function splitCounts(bySource: Record<string, number>, n: number): [Record<string, number>, Record<string, number>] {
  const first: Record<string, number> = {};
  const second: Record<string, number> = {};
  let left = n;
  for (const [source, count] of Object.entries(bySource)) {
    const take = Math.min(count, left);
    left -= take;
    if (take > 0) first[source] = take;
    if (count - take > 0) second[source] = count - take;
  }
  return [first, second];
}

/** The two halves of `batch`, or undefined when it holds a single record (nothing to split). */
export async function splitBatch(batch: EncodedBatch): Promise<[EncodedBatch, EncodedBatch] | undefined> {
  if (batch.records < 2) return undefined;
  const zipped = batch.contentEncoding === 'gzip';
  const raw = zipped ? new Uint8Array(await gunzip(batch.payload)) : batch.payload;
  const split = batch.contentType.includes('json') ? halve(parseJson(raw), writeJson) : halve(parseProtobuf(raw), writeProtobuf);
  if (!split) return undefined;
  const { firstCount, halves } = split;
  const payloads = zipped ? await Promise.all(halves.map((h) => gzip(h, { level: 1 }))) : halves;
  const counts = splitCounts(batch.bySource, firstCount);
  const total = batch.records;
  return [
    { ...batch, payload: new Uint8Array(payloads[0]!), records: firstCount, bySource: counts[0] },
    { ...batch, payload: new Uint8Array(payloads[1]!), records: total - firstCount, bySource: counts[1] },
  ];
}
