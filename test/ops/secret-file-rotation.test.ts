/**
 * A rotated secret file, with the real CLI against the real Foundry emulator on loopback: the
 * token lives in a file (`token_file:`) that is replaced while the daemon runs — as the kubelet
 * swaps a mounted Secret (a new file renamed over the old one) and as a script rewrites it in
 * place — and the emulator accepts only the newest token from that moment. New sessions found
 * after each rotation are followed with the new token, nothing is lost or repeated, and no token
 * (old or new) reaches the daemon's logs.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLines } from '../../emulators/foundry.ts';
import type { Spawned } from '../helpers/cli.ts';
import { foundryConfigYaml, startRig, TOKEN, type Rig } from '../helpers/harness.ts';
import { runDaemonCli, stopCleanly } from './ops-helpers.ts';

const TOKENS = ['rotating-token-one-1a2b3c', 'rotating-token-two-4d5e6f', 'rotating-token-three-7a8b9c'] as const;

let rig: Rig | undefined;
let daemon: Spawned | undefined;
let dir: string | undefined;
afterEach(async () => {
  daemon?.child.kill('SIGKILL');
  await rig?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  rig = daemon = dir = undefined;
});

describe('a secret file rotated under the running daemon', () => {
  it('new connections use the new token at once: swapped by rename, then rewritten in place', async () => {
    rig = await startRig();
    dir = mkdtempSync(join(tmpdir(), 'ale-rotation-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKENS[0]}\n`);
    rig.emulator.setToken(TOKENS[0]);

    const batches = [generateLines(200), generateLines(300), generateLines(250)];
    rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_one' }).append(...batches[0]!);
    const yaml = foundryConfigYaml(rig, { agent: 'support-agent' })
      .replace('auth: {type: bearer, token: "${env:FOUNDRY_TOKEN}"}', `auth: {type: bearer, token_file: "${tokenFile}"}`)
      .replace('log: {level: warn}', 'log: {level: debug}');
    expect(yaml).toContain('token_file');
    daemon = runDaemonCli(rig, yaml, {});
    await rig.receiver.waitFor(200, 20_000);

    // Rotation 1, the kubelet's way: a new file renamed over the old one; the old token is revoked
    // in the same turn of the event loop, so the emulator never answers a request in between.
    writeFileSync(join(dir, 'token.next'), `${TOKENS[1]}\n`);
    renameSync(join(dir, 'token.next'), tokenFile);
    rig.emulator.setToken(TOKENS[1]);
    const rotatedAt = rig.emulator.requests.length;
    rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_two' }).append(...batches[1]!);
    await rig.receiver.waitFor(500, 20_000);

    // Rotation 2, rewritten in place (same inode).
    writeFileSync(tokenFile, `${TOKENS[2]}\n`);
    rig.emulator.setToken(TOKENS[2]);
    const rewrittenAt = rig.emulator.requests.length;
    rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_three' }).append(...batches[2]!);
    await rig.receiver.waitFor(750, 20_000);
    const logs = await stopCleanly(daemon);

    // Every line once, in order per session.
    const bySession = (id: string): unknown[] => rig!.receiver.records.filter((r) => r.resource['session.id'] === id).map((r) => r.body);
    expect(bySession('s_one')).toEqual(batches[0]!.map((l) => l.message));
    expect(bySession('s_two')).toEqual(batches[1]!.map((l) => l.message));
    expect(bySession('s_three')).toEqual(batches[2]!.map((l) => l.message));
    // The emulator saw the new tokens, each right after its rotation; the trailing newline was not sent.
    const auth = rig.emulator.requests.map((r) => r.headers.authorization);
    expect(auth.slice(rotatedAt, rewrittenAt)).toContain(`Bearer ${TOKENS[1]}`);
    expect(auth.slice(rewrittenAt)).toContain(`Bearer ${TOKENS[2]}`);
    for (const token of TOKENS) expect(logs).not.toContain(token);
  }, 90_000);

  it('an exporter header read from a file (exporter.headers_files) is re-read when the file is rewritten', async () => {
    rig = await startRig();
    dir = mkdtempSync(join(tmpdir(), 'ale-rotation-'));
    const headerFile = join(dir, 'otlp-authorization');
    writeFileSync(headerFile, `Bearer ${TOKENS[0]}\n`);
    const session = rig.emulator.addSession({ agent: 'support-agent', version: '1', id: 's_hdr' });
    const first = generateLines(200);
    const second = generateLines(200);
    session.append(...first);
    const yaml = foundryConfigYaml(rig, { agent: 'support-agent' }).replace(/^exporter:\n/m, `exporter:\n  headers_files: {authorization: "${headerFile}"}\n`);
    expect(yaml).toContain('headers_files');
    daemon = runDaemonCli(rig, yaml, { FOUNDRY_TOKEN: TOKEN });
    await rig.receiver.waitFor(200, 20_000);
    const rotatedAt = rig.receiver.requests.length;
    writeFileSync(headerFile, `Bearer ${TOKENS[1]}\n`);
    session.append(...second);
    await rig.receiver.waitFor(400, 20_000);
    const logs = await stopCleanly(daemon);

    expect(rig.receiver.records.map((r) => r.body)).toEqual([...first, ...second].map((l) => l.message));
    const auth = rig.receiver.requests.map((r) => r.headers.authorization);
    expect(new Set(auth.slice(0, rotatedAt))).toEqual(new Set([`Bearer ${TOKENS[0]}`]));
    expect(auth.slice(rotatedAt)).toContain(`Bearer ${TOKENS[1]}`);
    expect(auth.slice(rotatedAt)).not.toContain(`Bearer ${TOKENS[0]}`);
    for (const token of TOKENS.slice(0, 2)) expect(logs).not.toContain(token);
  }, 60_000);
});
