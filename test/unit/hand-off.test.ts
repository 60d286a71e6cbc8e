/**
 * The follower kit's hand-off against the LineStage contract: bounded slices, and the checkpoint
 * invariant under merging — a checkpoint covers only lines whose records were all handed off, so
 * a crash at any hand-off while a group is open, then a restart from the last checkpoint, gives
 * every record exactly once and none partial.
 */
import { describe, expect, it } from 'vitest';
import { createPassThroughStage } from '../../src/processing/line-stage.ts';
import { createHandOff, MAX_EMIT } from '../../src/sources/shared/hand-off.ts';
import type { LogEntry } from '../../src/sources/types.ts';
import { Events } from '../../src/telemetry/events.ts';
import { silentLogger } from '../../src/telemetry/logger.ts';
import { createRandom } from '../../emulators/shared/chunking.ts';
import { createColonStage } from '../helpers/colon-stage.ts';

/** A cursor over one fixed log: its position is how many lines it admitted. */
function countingCursor(from: number) {
  let admitted = from;
  return {
    serialize: () => String(admitted),
    /** Admit line `i` of the log: new when not admitted before. */
    admit(i: number): boolean {
      if (i < admitted) return false;
      admitted = i + 1;
      return true;
    },
  };
}

interface Handed {
  bodies: string[];
  checkpoint: string;
}

function run(log: string[], from: string | undefined, stopAfterHandOffs: number, slices: number[] = []) {
  const cursor = countingCursor(Number(from ?? 0));
  const handed: Handed[] = [];
  const handOff = createHandOff({
    source: 's',
    stream: 's/1',
    events: new Events(silentLogger()),
    stage: createColonStage(),
    cursor,
    sink: {
      emit(entries: LogEntry[], checkpoint: string) {
        if (handed.length < stopAfterHandOffs) handed.push({ bodies: entries.map((e) => e.body), checkpoint });
        return Promise.resolve();
      },
    },
  });
  return { cursor, handed, handOff, slices };
}

/** A log of single lines and ':' groups (with indented continuation lines), and its records. */
function makeLog(random: () => number, n: number): { log: string[]; records: string[] } {
  const log: string[] = [];
  const records: string[] = [];
  for (let i = 0; log.length < n; i++) {
    if (random() < 0.3) {
      const group = [`group ${i}:`, ...Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) => `  line ${k} of ${i}`)];
      log.push(...group);
      records.push(group.join('\n'));
    } else {
      log.push(`single ${i}`);
      records.push(`single ${i}`);
    }
  }
  return { log, records };
}

describe('follower hand-off', () => {
  it('a crash after any hand-off, restarted from its checkpoint, gives every record exactly once and none partial', async () => {
    const random = createRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const { log, records } = makeLog(random, 30);
      const delivered: string[] = [];
      let checkpoint: string | undefined;
      for (let attempt = 0; attempt < 50; attempt++) {
        // Each run reads the whole log in random batches and "crashes" after a random number of hand-offs.
        const stopAfter = Math.floor(random() * 6);
        const r = run(log, checkpoint, attempt === 49 ? Infinity : stopAfter);
        let i = 0;
        while (i < log.length) {
          const end = Math.min(log.length, i + 1 + Math.floor(random() * 5));
          for (; i < end; i++) {
            const line = i;
            r.handOff.take({ body: log[line]! }, () => r.cursor.admit(line));
          }
          await r.handOff.handOn();
        }
        const finished = r.handed.length < stopAfter || attempt === 49;
        if (finished) await r.handOff.close();
        for (const h of r.handed) delivered.push(...h.bodies);
        checkpoint = r.handed.at(-1)?.checkpoint ?? checkpoint;
        if (finished) break;
      }
      expect(delivered, `trial ${trial}`).toEqual(records);
    }
  });

  it('hands a large batch on in slices of at most MAX_EMIT records, each with the position after its last line', async () => {
    const log = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    const r = run(log, undefined, Infinity);
    for (let i = 0; i < log.length; i++) {
      const line = i;
      if (r.handOff.take({ body: log[line]! }, () => r.cursor.admit(line))) await r.handOff.handOn();
    }
    await r.handOff.handOn();
    expect(r.handed.flatMap((h) => h.bodies)).toEqual(log);
    expect(Math.max(...r.handed.map((h) => h.bodies.length))).toBe(MAX_EMIT);
    let covered = 0;
    for (const h of r.handed) {
      covered += h.bodies.length;
      expect(h.checkpoint).toBe(String(covered));
    }
  });

  it('while a group is open, hands on what is before it under the checkpoint just before the group', async () => {
    const log = ['a', 'b', 'Traceback:', '  frame 1', '  frame 2'];
    const r = run(log, undefined, Infinity);
    log.forEach((body, i) => r.handOff.take({ body }, () => r.cursor.admit(i)));
    await r.handOff.handOn();
    expect(r.handed).toEqual([{ bodies: ['a', 'b'], checkpoint: '2' }]);
    await r.handOff.close();
    expect(r.handed[1]).toEqual({ bodies: ['Traceback:\n  frame 1\n  frame 2'], checkpoint: '5' });
  });

  it('closes a group at its timeout without a new line, and a filtered record still moves the checkpoint', async () => {
    const cursor = countingCursor(0);
    const handed: Handed[] = [];
    const handOff = createHandOff({
      source: 's',
      stream: 's/1',
      events: new Events(silentLogger()),
      stage: createColonStage(30),
      cursor,
      sink: { emit: (entries, checkpoint) => (handed.push({ bodies: entries.map((e) => e.body), checkpoint }), Promise.resolve()) },
    });
    ['DROP me', 'Error:', '  at x'].forEach((body, i) => handOff.take({ body }, () => cursor.admit(i)));
    await handOff.handOn();
    expect(handed).toEqual([{ bodies: [], checkpoint: '1' }]);
    await new Promise((r) => setTimeout(r, 120));
    expect(handed[1]).toEqual({ bodies: ['Error:\n  at x'], checkpoint: '3' });
  });

  it('repeats the cursor refuses never reach the stage; the pass-through stage hands on under the cursor itself', async () => {
    const r = { cursor: countingCursor(2), handed: [] as Handed[] };
    const handOff = createHandOff({
      source: 's',
      stream: 's/1',
      events: new Events(silentLogger()),
      stage: createPassThroughStage(),
      cursor: r.cursor,
      sink: { emit: (entries, checkpoint) => (r.handed.push({ bodies: entries.map((e) => e.body), checkpoint }), Promise.resolve()) },
    });
    ['a', 'b', 'c', 'd'].forEach((body, i) => handOff.take({ body }, () => r.cursor.admit(i)));
    await handOff.handOn();
    expect(r.handed).toEqual([{ bodies: ['c', 'd'], checkpoint: '4' }]);
  });
});
