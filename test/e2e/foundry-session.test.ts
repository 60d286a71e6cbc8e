import { afterEach, describe, expect, it } from 'vitest';
import { SEED_LINES, generateLines } from '../../emulators/foundry.ts';
import type { ReceivedLogRecord } from '../../emulators/otlp-receiver.ts';
import { VERSION } from '../../src/version.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_123' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('one Foundry session end to end', () => {
  it('delivers the seed frames and thousands more once each, in order, with every field', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    const generated = generateLines(5000, { start: Date.parse('2026-03-10T10:00:00.000Z') });
    session.append(...SEED_LINES);
    const config = writeConfig(rig, { session: SESSION });
    const { daemon } = runInProcess(config);
    session.append(...generated);

    // The seed's heartbeat ("No logs since last 60 seconds") is dropped by default.
    const expected = 3 + generated.length;
    await rig.receiver.waitFor(expected, 20_000);
    await daemon.shutdown(5000);

    const records = rig.receiver.records;
    expect(records).toHaveLength(expected);
    const [start, complete, connected] = records as [ReceivedLogRecord, ReceivedLogRecord, ReceivedLogRecord];

    expect(start.body).toBe('Starting FoundryCBAgent server on port 8088');
    expect(start.timeUnixNano).toBe(BigInt(Date.parse('2026-03-10T09:33:17.121Z')) * 1_000_000n);
    expect(start.observedTimeUnixNano).toBeGreaterThan(start.timeUnixNano);
    expect(start.severityNumber).toBe(9);
    expect(start.severityText).toBe('INFO');
    expect(start.attributes).toEqual({ 'log.iostream': 'stdout', team: 'core' });
    expect(start.scope).toEqual({ name: 'agent-log-exporter/foundry', version: VERSION });
    expect(start.resource).toEqual({
      'service.name': 'foundry-test',
      'deployment.environment.name': 'test',
      'gen_ai.agent.name': 'support-agent',
      'gen_ai.agent.version': '3',
      'session.id': 's_123',
      'cloud.provider': 'azure',
    });

    // stderr does not mean error: the seed's uvicorn line is INFO.
    expect(complete.body).toBe('INFO: Application startup complete.');
    expect(complete.attributes['log.iostream']).toBe('stderr');
    expect(complete.severityText).toBe('INFO');
    expect(complete.severityNumber).toBe(9);

    expect(connected.body).toBe('Successfully connected to container');
    expect(connected.attributes).toEqual({ 'foundry.log.stream': 'status', team: 'core' });
    expect(connected.severityNumber).toBe(9);

    // Generated lines: exact order and text (identical lines at one timestamp included).
    expect(records.slice(3).map((r) => r.body)).toEqual(generated.map((l) => l.message));
    for (const [i, line] of generated.entries()) {
      const r = records[3 + i]!;
      expect(r.attributes['log.iostream']).toBe(line.stream);
      expect(r.timeUnixNano).toBe(BigInt(Date.parse(String(line.timestamp))) * 1_000_000n);
    }

    // Every call carried the headers of PLATFORMS §1.4.
    for (const req of rig.emulator.requests) {
      expect(req.headers['foundry-features']).toBe('HostedAgents=V1Preview,AgentEndpoints=V1Preview');
      expect(req.headers.authorization).toBe('Bearer test-token-3f9a2c');
      expect(req.headers.accept).toBe('text/event-stream');
    }
  });

  it('with drop_heartbeats: false all four seed frames arrive, the heartbeat as an INFO status line', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append(...SEED_LINES);
    const { daemon } = runInProcess(writeConfig(rig, { session: SESSION, sourceExtra: '    drop_heartbeats: false\n' }));
    await rig.receiver.waitFor(4, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    await daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => [r.body, r.severityText, r.attributes['foundry.log.stream'] ?? r.attributes['log.iostream']])).toEqual([
      ['Starting FoundryCBAgent server on port 8088', 'INFO', 'stdout'],
      ['INFO: Application startup complete.', 'INFO', 'stderr'],
      ['Successfully connected to container', 'INFO', 'status'],
      ['No logs since last 60 seconds', 'INFO', 'status'],
    ]);
  });
});
