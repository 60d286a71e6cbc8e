/**
 * The source contract: what every platform source must do, checked the same way against each
 * platform's emulator through the real daemon (mapper, batcher, spool, exporter, checkpoints)
 * and a receiver that decodes with the official OTLP schema. A platform joins by writing a
 * `ContractPlatform` adapter and calling `describeSourceContract(adapter)`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRandom } from '../../emulators/shared/chunking.ts';
import { until } from '../helpers/until.ts';
import { SOURCE, startContractRig, type ContractRig } from './contract-rig.ts';
import type { ContractPlatform } from './platform-adapter.ts';

const WAIT_MS = 20_000;

/** Let a replaying platform send what it would duplicate, then check nothing more arrived. */
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** Bodies of the first delivery of every batch (a batch re-sent byte for byte after a kill counts once). */
function firstDeliveries(r: ContractRig): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const request of r.receiver.requests) {
    if (request.firstRecord === undefined || seen.has(request.digest)) continue;
    seen.add(request.digest);
    for (const record of r.records().slice(request.firstRecord, request.firstRecord + request.recordCount)) out.push(String(record.body));
  }
  return out;
}

export function describeSourceContract(platform: ContractPlatform): void {
  describe(`source contract: ${platform.type}`, () => {
    let rig: ContractRig | undefined;
    afterEach(async () => {
      await rig?.close();
      rig = undefined;
    });

    async function start(): Promise<ContractRig> {
      rig = await startContractRig(await platform.start());
      return rig;
    }

    async function received(r: ContractRig, expected: string[]): Promise<void> {
      await until(() => r.receiver.records.length >= expected.length, `${expected.length} records (have ${r.receiver.records.length})`, WAIT_MS);
      await settle();
      expect(r.bodies()).toEqual(expected);
    }

    it('delivers history and live entries exactly once, in order', async () => {
      const r = await start();
      const expected = r.stream.append(40);
      r.startDaemon();
      await until(() => r.receiver.records.length >= 40, 'the history', WAIT_MS);
      expected.push(...r.stream.append(60));
      await received(r, expected);
      expect(new Set(r.records().map((rec) => rec.scope.name))).toEqual(new Set([`agent-log-exporter/${platform.type}`]));
    });

    it('reassembles entries from chunks split at random places', async () => {
      const r = await start();
      r.stream.splitChunks(17);
      const expected = r.stream.append(300);
      r.startDaemon();
      await received(r, expected);
    });

    it('skips what a reconnect replays and loses nothing across disconnects', async () => {
      const r = await start();
      r.stream.disconnectAfter([30, 45, 10, 80]);
      const expected = r.stream.append(250);
      r.startDaemon();
      await received(r, expected);
      expect(r.stream.requests()).toBeGreaterThanOrEqual(5);
    });

    it('resumes after a restart without loss or duplicates', async () => {
      const r = await start();
      const expected = r.stream.append(70);
      const first = r.startDaemon();
      await until(() => r.receiver.records.length >= 70, 'the first run', WAIT_MS);
      await first.daemon.shutdown(5000);
      expected.push(...r.stream.append(30));
      r.startDaemon();
      await received(r, expected);
    });

    it('starts a stream whose stored checkpoint is damaged as if it had none: keeps running, delivers, counts it once', async () => {
      const r = await start();
      const first = r.stream.append(20);
      const before = r.startDaemon();
      await until(() => r.receiver.records.length >= 20, 'the first run', WAIT_MS);
      await before.daemon.shutdown(5000);
      expect(r.damageCheckpoints('\u0000garbage{"not a checkpoint')).toBe(1);
      const later = r.stream.append(10);
      const after = r.startDaemon();
      const unreadable = vi.spyOn(after.events, 'checkpointUnreadable');
      // No checkpoint: the platform's replay is new again (DESIGN §6), then the new entries.
      await received(r, [...first, ...first, ...later]);
      expect(after.events.total('agentlog_checkpoint_errors_total', { source: SOURCE })).toBe(1);
      expect(unreadable.mock.calls).toEqual([[SOURCE, expect.stringMatching(new RegExp(`^${SOURCE}/`))]]);
      expect(r.streamStates(after)).toEqual(['connected']);
      // The stream goes on, and its checkpoint is good again.
      const more = r.stream.append(5);
      await received(r, [...first, ...first, ...later, ...more]);
    });

    it('survives kill -9 of the real daemon at random moments while the platform writes', async () => {
      const r = await start();
      const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
      const random = createRandom(seed);
      const expected: string[] = [];
      // 200 entries a second (well inside every platform's replay window while the daemon is
      // down), until the kills are over and then ten rounds more.
      let roundsLeft = Infinity;
      const writer = setInterval(() => {
        if (roundsLeft-- > 0) expected.push(...r.stream.append(10));
      }, 50);
      const kills = 4;
      try {
        for (let i = 0; i < kills; i++) {
          const child = r.spawnDaemon();
          // Kill a working pipeline, not a starting one: once this daemon delivered, at a random moment.
          const before = r.receiver.records.length;
          await until(() => r.receiver.records.length > before, `seed ${seed}: daemon ${i} delivering`, 30_000);
          await new Promise((res) => setTimeout(res, random() * 700));
          child.child.kill('SIGKILL');
          await child.exited;
        }
        roundsLeft = 10;
        const last = r.spawnDaemon();
        await until(() => roundsLeft <= 0 && firstDeliveries(r).length >= expected.length, `seed ${seed}: every entry`, 60_000).catch(() => undefined);
        await settle(500);
        last.child.kill('SIGTERM');
        expect((await last.exited).code, last.stderr()).toBe(0);
      } finally {
        clearInterval(writer);
      }
      // The only repeats DESIGN §5 allows: batches acknowledged in the instant before a kill, re-sent byte for byte.
      expect(firstDeliveries(r), `seed ${seed}`).toEqual(expected);
      const resent = r.receiver.requests.filter((q) => q.firstRecord !== undefined).length - new Set(r.receiver.requests.filter((q) => q.firstRecord !== undefined).map((q) => q.digest)).size;
      expect(resent, `seed ${seed}`).toBeLessThanOrEqual(kills);
    }, 120_000);

    it.skipIf(!platform.lineBased)('kill -9 of the real daemon while a multiline group is open: after the restart every record arrives once, none partial', async () => {
      const r = await start();
      const add = r.stream.appendLines!.bind(r.stream);
      // Groups stay open until the next line that does not continue them (no timeout during the test).
      const processing = 'processing: {multiline: {timeout: 60s}}\n';
      const before = r.stream.append(5);
      const head = ['Traceback (most recent call last):', '  File "agent.py", line 12, in <module>', '    main()'];
      add(head.map((body) => ({ body, stream: 'stderr' })));
      const first = r.spawnDaemon(processing);
      // The entries before the traceback arrive; the traceback, read in the same replay, stays open.
      await until(() => r.receiver.records.length >= 5, 'the entries before the traceback', WAIT_MS);
      await settle(500);
      expect(r.bodies()).toEqual(before);
      first.child.kill('SIGKILL');
      await first.exited;
      // The platform goes on with the traceback while the daemon is down.
      const rest = ['  File "agent.py", line 7, in main', '    raise ValueError("boom")', 'ValueError: boom'];
      add(rest.map((body) => ({ body, stream: 'stderr' })));
      const after = r.stream.append(5);
      const second = r.spawnDaemon(processing);
      const expected = [...before, [...head, ...rest].join('\n'), ...after];
      await until(() => firstDeliveries(r).length >= expected.length, 'every record after the restart', WAIT_MS).catch(() => undefined);
      await settle(500);
      second.child.kill('SIGTERM');
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(firstDeliveries(r)).toEqual(expected);
    }, 60_000);

    it('marks a refused credential, retries slowly, and delivers once it is accepted', async () => {
      const r = await start();
      r.stream.failNext(3, 401);
      const expected = r.stream.append(20);
      const daemon = r.startDaemon();
      const seen = new Set<string>();
      const watch = setInterval(() => {
        for (const s of r.streamStates(daemon)) seen.add(s);
      }, 5);
      try {
        await received(r, expected);
      } finally {
        clearInterval(watch);
      }
      expect(seen.has('auth_failed')).toBe(true);
      expect(daemon.events.total('agentlog_auth_failures_total', { source: 'contract' })).toBeGreaterThanOrEqual(1);
    });

    it('finishes and releases a stream the platform ended, and stops asking for it', async () => {
      const r = await start();
      const expected = r.stream.append(10);
      const daemon = r.startDaemon();
      await until(() => r.receiver.records.length >= 10, 'the entries before the end', WAIT_MS);
      expected.push(...r.stream.end());
      await until(() => r.streamStates(daemon).every((s) => s === 'finished' || s === 'released'), 'the stream finished', WAIT_MS);
      await received(r, expected);
      const asked = r.stream.requests();
      await settle(600);
      expect(r.stream.requests()).toBe(asked);
    });

    it('finishes a stream that answers 404', async () => {
      const r = await start();
      r.stream.failNext(1, 404);
      const daemon = r.startDaemon();
      await until(() => r.stream.requests() >= 1, 'the first request', WAIT_MS);
      await until(() => r.streamStates(daemon).every((s) => s === 'finished' || s === 'released'), 'the stream finished', WAIT_MS);
      const asked = r.stream.requests();
      await settle(600);
      expect(r.stream.requests()).toBe(asked);
      expect(r.receiver.records).toHaveLength(0);
    });

    it('waits for Retry-After on 429, then delivers', async () => {
      const r = await start();
      r.stream.failNext(1, 429, 1);
      const expected = r.stream.append(5);
      const started = Date.now();
      r.startDaemon();
      await until(() => r.stream.requests() >= 1, 'the first request', WAIT_MS);
      await settle(600);
      // The backoff alone would have retried many times within 600 ms (tests use 20 ms).
      expect(r.stream.requests()).toBe(1);
      await received(r, expected);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('retries server errors, then delivers', async () => {
      const r = await start();
      r.stream.failNext(3, 500);
      const expected = r.stream.append(5);
      r.startDaemon();
      await received(r, expected);
      expect(r.stream.requests()).toBeGreaterThanOrEqual(4);
    });

    it('keeps malformed data as raw text between the good entries', async () => {
      const r = await start();
      const expected = r.stream.append(3);
      const bad = r.stream.appendMalformed();
      expected.push(bad.body, ...r.stream.append(3));
      r.startDaemon();
      await received(r, expected);
      const record = r.records()[3]!;
      expect(record.attributes['agent_log_exporter.parse_error']).toBe(bad.parseError ? true : undefined);
      expect(r.records()[2]!.attributes['agent_log_exporter.parse_error']).toBeUndefined();
    });
  });
}
