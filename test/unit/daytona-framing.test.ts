import { describe, expect, it } from 'vitest';
import { createRandom } from '../../emulators/shared/chunking.ts';
import { DaytonaCursor, parseCursor, serializeCursor, type DaytonaPosition } from '../../src/sources/daytona/cursor.ts';
import { createDemuxer } from '../../src/sources/daytona/framing.ts';
import { createLineAssembler, type Line } from '../../src/sources/daytona/lines.ts';
import { createLogParser } from '../../src/sources/daytona/log-parser.ts';

const OUT = Buffer.from([1, 1, 1]);
const ERR = Buffer.from([2, 2, 2]);
const b = (s: string) => Buffer.from(s, 'utf8');

/** A log with every hard case: multi-byte characters, payload bytes 01/02, a line continued after the other stream's marker, a trailing partial line. */
const LOG = Buffer.concat([
  b('boot before any marker\n'),
  OUT, b('Step 1 — héllo 👋\n'),
  ERR, b('Error 1 ✗\n'),
  OUT, b('half of a '),
  ERR, b('err \u0001\u0001 two 01 bytes\n'),
  OUT, b('line continued\n'),
  ERR, Buffer.from([0x66, 0xff, 0x67, 0x0a]),
  OUT, b('crlf line\r\n'),
  OUT, b('tail without newline 日本'),
]);

const EXPECTED: [string, string, boolean][] = [
  ['unknown', 'boot before any marker', false],
  ['stdout', 'Step 1 — héllo 👋', false],
  ['stderr', 'Error 1 ✗', false],
  ['stderr', 'err \u0001\u0001 two 01 bytes', false],
  ['stdout', 'half of a line continued', false],
  ['stderr', 'f\uFFFDg', true],
  ['stdout', 'crlf line', false],
  ['stdout', 'tail without newline 日本', false],
];

const view = (lines: Line[]) => lines.map((l) => [l.channel, l.text, l.invalidUtf8] as [string, string, boolean]);

function chunks(bytes: Buffer, sizes: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = sizes();
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

function parseAll(parts: Buffer[]): Line[] {
  const demuxer = createDemuxer();
  const assembler = createLineAssembler();
  const lines: Line[] = [];
  for (const p of parts) lines.push(...assembler.push(demuxer.feed(p)));
  lines.push(...assembler.push(demuxer.flush()), ...assembler.flush(demuxer.offset));
  return lines;
}

describe('Daytona marker demux and lines', () => {
  it('gives the same lines for every split of the log into two frames', () => {
    for (let cut = 0; cut <= LOG.length; cut++) {
      expect(view(parseAll([LOG.subarray(0, cut), LOG.subarray(cut)])), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same lines byte by byte and in random frames', () => {
    expect(view(parseAll(chunks(LOG, () => 1)))).toEqual(EXPECTED);
    const random = createRandom(7);
    for (let i = 0; i < 50; i++) expect(view(parseAll(chunks(LOG, () => 1 + Math.floor(random() * 9))))).toEqual(EXPECTED);
  });

  it('cuts an endless line at a character boundary and keeps every byte', () => {
    const text = 'é'.repeat(10);
    const assembler = createLineAssembler(7);
    const demuxer = createDemuxer();
    const lines = [...assembler.push(demuxer.feed(Buffer.concat([OUT, b(text)]))), ...assembler.flush(demuxer.offset)];
    expect(lines.map((l) => l.text).join('')).toBe(text);
    expect(lines.every((l) => !l.invalidUtf8)).toBe(true);
  });
});

describe('Daytona byte-offset cursor', () => {
  it('round-trips and starts over from a damaged or inconsistent checkpoint', () => {
    const p: DaytonaPosition = { resume: 3, channel: 'stderr', emitted: 10, exit: 2 };
    const stored = serializeCursor(p);
    expect(parseCursor(stored)).toEqual(p);
    const start = { resume: 0, channel: 'unknown', emitted: 0 };
    for (const damaged of ['garbage', stored.slice(0, stored.length - 2), stored.slice(1)]) expect(parseCursor(damaged), damaged).toEqual(start);
    // Resuming past what was emitted cannot be a position this cursor wrote.
    expect(parseCursor(serializeCursor({ resume: 5, channel: 'stdout', emitted: 4 }))).toEqual(start);
  });

  it('restarting from any checkpoint, each connection replaying from byte 0, yields every line exactly once', () => {
    const random = createRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const delivered: Line[] = [];
      let checkpoint: string | undefined;
      let done = false;
      // Each "connection" replays from 0 in random frames and stops after a random number of frames.
      for (let connection = 0; !done && connection < 100; connection++) {
        const cursor = DaytonaCursor.parse(checkpoint).cursor;
        const parser = createLogParser(cursor.restart());
        cursor.attach(() => parser.earliestPending());
        const parts = chunks(LOG, () => 1 + Math.floor(random() * 12));
        const stopAfter = Math.floor(random() * (parts.length + 3));
        let fed = 0;
        for (const part of parts) {
          if (fed++ >= stopAfter) break;
          const { lines } = parser.feed(part);
          // Hand lines off one at a time, each with its own checkpoint (worst case for the cursor).
          cursor.begin(lines);
          for (const line of lines) {
            cursor.admit();
            checkpoint = cursor.serialize();
            delivered.push(line);
          }
        }
        if (stopAfter >= parts.length) {
          const { lines } = parser.finish();
          cursor.begin(lines);
          for (const _ of lines) cursor.admit();
          checkpoint = cursor.serialize();
          delivered.push(...lines);
          done = true;
        }
      }
      expect(view(delivered), `trial ${trial}`).toEqual(EXPECTED);
    }
  });
});
