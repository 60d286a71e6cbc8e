/**
 * A full disk heals by itself (issue 11): `storage.dir` on a real 2 MiB tmpfs, the receiver down
 * (503) while the platform holds far more than the volume, then the receiver back. The real CLI
 * pauses the source when the volume is nearly full (one log line, /readyz says so), never logs
 * SQLite's masking "cannot rollback", and once the receiver answers again drains the spool to
 * empty and delivers every record exactly once, in order, with nobody touching the volume.
 */
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { TOKEN, startRig } from '../helpers/harness.ts';
import { mountTmpfs, tmpfsAvailable, type Tmpfs } from '../helpers/tmpfs.ts';
import { get, opsConfigYaml, runDaemonCli, stopCleanly, telemetryUrl, useOpsFixture } from '../ops/ops-helpers.ts';

const probeDir = mkdtempSync(join(tmpdir(), 'ale-tmpfs-probe-'));
const available = tmpfsAvailable(probeDir);
rmSync(probeDir, { recursive: true, force: true });
if (!available.ok) console.warn(`disk-full tests skipped: ${available.reason}`);

const SESSION = { agent: 'support-agent', version: '3', id: 's_diskfull' };

interface Ready {
  storage: { state: string; detail: string | null } | null;
  exporter: { queued_batches: number; queued_records: number };
}

let mount: Tmpfs | undefined;
afterEach(() => {
  if (mount?.ok) mount.unmount();
  mount = undefined;
});

describe.skipIf(!available.ok)('storage.dir on a full 2 MiB volume', () => {
  const fx = useOpsFixture();

  it.each([
    { maxBytes: '512MiB', paused: 'disk_full' },
    { maxBytes: '512KiB', paused: 'spool_full' },
  ])('spool.max_bytes $maxBytes: pauses ($paused) during the outage, then drains to empty with every record exactly once', async ({ maxBytes, paused }) => {
    const rig = (fx.rig = await startRig({ chunking: 'whole' }));
    const storage = join(rig.dir, 'data');
    mount = mountTmpfs(storage, '2m');
    expect(mount.ok, mount.ok ? '' : mount.reason).toBe(true);

    // ~9 MB of uncompressed records: four times what the volume holds.
    const pad = 'x'.repeat(400);
    const lines = generateLines(20_000).map((l, i) => ({ ...l, message: `${i} ${pad}` }));
    rig.emulator.addSession(SESSION).append(...lines);
    rig.receiver.respondWith([{ status: 503, times: 1_000_000 }]);
    const yaml = opsConfigYaml(rig, { session: SESSION, compression: 'none', spoolMaxBytes: maxBytes, batchMaxRecords: 200 });
    const daemon = (fx.daemon = runDaemonCli(rig, yaml, { FOUNDRY_TOKEN: TOKEN }));
    const base = await telemetryUrl(daemon);
    const ready = async (): Promise<Ready> => JSON.parse((await get(`${base}/readyz`)).text) as Ready;

    /** Ask /readyz every 100 ms until `done` holds. */
    const readyUntil = async (done: (r: Ready) => boolean, what: string, timeoutMs: number): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!done(await ready())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${daemon.stderr()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    // Paused for room: /readyz says why, and the volume keeps its reserve for deletes.
    await readyUntil((r) => r.storage?.state === paused, `/readyz storage.state ${paused}`, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const during = await ready();
    expect(during.storage?.state).toBe(paused);
    expect(during.exporter.queued_batches).toBeGreaterThan(0);
    const s = statfsSync(storage);
    expect(Number(s.bavail) * Number(s.bsize)).toBeGreaterThan(16 * 1024);
    const log = daemon.stderr();
    if (paused === 'disk_full') expect(log.match(/"event":"storage\.full"/g), log).toHaveLength(1);
    expect(log).not.toContain('cannot rollback');
    expect(log).not.toContain('database or disk is full');

    // The receiver is back: everything arrives once, in order, and the spool empties.
    rig.receiver.reset();
    await rig.receiver.waitFor(lines.length, 30_000).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${JSON.stringify(await ready())}\n${daemon.stderr().slice(-4000)}`);
    });
    await readyUntil((r) => r.exporter.queued_batches === 0 && r.storage?.state === 'ok', 'an empty spool', 30_000);
    const stderr = await stopCleanly(daemon);
    fx.daemon = undefined;
    expect(rig.receiver.records.map((r) => r.body)).toEqual(lines.map((l) => l.message));
    expect(stderr).not.toContain('cannot rollback');
    expect(stderr).not.toMatch(/"event":"(export\.ack_failed|pipeline\.flush_failed)"/);
    if (paused === 'disk_full') expect(stderr).toContain('"event":"storage.drained"');
    expect(readdirSync(storage)).toContain('state.db');
  }, 240_000);
});
