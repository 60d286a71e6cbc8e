// A reload that is still stopping sources when a shutdown begins: the shutdown waits for those
// streams (they may be handing off), and the reload starts nothing new.
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_reload' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('reload racing a shutdown', () => {
  it('shutdown waits for the sources a reload is stopping; the reload starts nothing', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append(...generateLines(500));
    const config = writeConfig(rig, { session: SESSION });
    const { daemon } = runInProcess(config);
    await rig.receiver.waitFor(500, 10_000);
    const source = config.sources[0]!;
    const applying = daemon.applySources({ stop: [source.name], start: [source], resource: config.resource });
    const stopping = daemon.shutdown(5000);
    expect(await applying).toBe(false);
    expect(await stopping).toBe(true);
    // No follower outlived the shutdown, and none was started by the reload.
    expect(session.liveConnections).toBe(0);
    expect(session.connections).toBe(1);
    expect(Object.keys(daemon.status().sources)).toEqual([]);
  });
});
