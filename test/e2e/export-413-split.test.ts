/**
 * 413 is not a reason to drop a batch (DESIGN §5): an endpoint that refuses bodies over 16 KiB
 * gets every batch in halves, recursively, until each part fits; only a single record that is
 * still too large is dropped and counted too_large. Everything else arrives once, in order.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_413' };
const LIMIT = 16 * 1024;

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('413 split', () => {
  for (const [protocol, compression] of [['http/protobuf', 'none'], ['http/json', 'gzip']] as const) {
    it(`${protocol} ${compression}: halves until each fits; one oversized record dropped as too_large`, async () => {
      rig = await startRig();
      rig.receiver.maxBodyBytes = LIMIT;
      const lines = generateLines(600);
      // Incompressible, so it is too large even gzipped: 40 000 characters of base64.
      const huge = { ...lines[300]!, message: randomBytes(30_000).toString('base64') };
      lines.splice(300, 1, huge);
      rig.emulator.addSession(SESSION).append(...lines);
      const expected = lines.filter((l) => l !== huge).map((l) => l.message);
      const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION, protocol, compression, batchTimeout: '300ms' }));
      await rig.receiver.waitFor(expected.length, 20_000);
      await daemon.shutdown(5000);

      expect(rig.receiver.records.map((r) => r.body)).toEqual(expected);
      const refused = rig.receiver.requests.filter((r) => r.status === 413);
      const accepted = rig.receiver.requests.filter((r) => r.status === 200);
      expect(refused.length).toBeGreaterThan(1);
      // Batches larger than the limit were sent first (the point of the test), and no accepted body passes it.
      expect(Math.max(...refused.map((r) => r.bytes))).toBeGreaterThan(2 * LIMIT);
      expect(Math.max(...accepted.map((r) => r.bytes))).toBeLessThanOrEqual(LIMIT);
      expect(events.total('agentlog_records_dropped_total', { reason: 'too_large' })).toBe(1);
      expect(events.total('agentlog_records_dropped_total', { reason: 'rejected' })).toBe(0);
      expect(events.total('agentlog_records_exported_total')).toBe(expected.length);
    });
  }
});
