/**
 * Discovery of every session of an agent (paged listing, version from
 * version_indicator), and the following rules for auth failures and ended sessions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFoundryEmulator } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { until } from '../helpers/until.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('Foundry discovery', () => {
  it('a listing answered 429 waits for its Retry-After before listing again', async () => {
    rig = await startRig();
    rig.emulator.addSession({ agent: 'planner', version: '1', id: 's1' }).append({ stream: 'stdout', message: 'after the wait' });
    rig.emulator.failNext(1, 429, { route: 'sessions', retryAfter: 1 });
    const { daemon } = runInProcess(writeConfig(rig, { agent: 'planner' }));
    await rig.receiver.waitFor(1, 10_000);
    const listings = rig.emulator.requests.filter((r) => r.route === 'list-sessions');
    expect(listings[0]!.status).toBe(429);
    // discover_interval is 200ms and the listing backoff starts at 1s: only Retry-After explains ≥ 1s here.
    expect(listings[1]!.at - listings[0]!.at).toBeGreaterThanOrEqual(950);
    await daemon.shutdown(5000);
  });

  it('follows every session across listing pages, starts new ones, releases removed ones, never twice', async () => {
    rig = await startRig();
    await rig.emulator.close();
    // Page size 2 forces the daemon to follow has_more/last_id.
    rig.emulator = await startFoundryEmulator({ token: 'test-token-3f9a2c', pageSize: 2 });
    const sessions = ['s1', 's2', 's3', 's4', 's5'].map((id, i) =>
      rig!.emulator.addSession({ agent: 'planner', version: String(i % 2 ? 2 : 1), id }),
    );
    rig.emulator.addSession({ agent: 'other-agent', version: '1', id: 'not-mine' }).append({ stream: 'stdout', message: 'wrong agent' });
    const gone = rig.emulator.addSession({ agent: 'planner', version: '1', id: 's-deleted', status: 'deleted' });
    gone.append({ stream: 'stdout', message: 'from a deleted session' });
    for (const s of sessions) s.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: `hello from ${s.id}` });

    const { daemon } = runInProcess(writeConfig(rig, { agent: 'planner' }));
    await rig.receiver.waitFor(5, 10_000);
    const bySession = (): string[] => rig!.receiver.records.map((r) => `${String(r.resource['session.id'])}@${String(r.resource['gen_ai.agent.version'])}:${String(r.body)}`).sort();
    expect(bySession()).toEqual(['s1@1:hello from s1', 's2@2:hello from s2', 's3@1:hello from s3', 's4@2:hello from s4', 's5@1:hello from s5']);

    // A new session appears: discovery starts it.
    const late = rig.emulator.addSession({ agent: 'planner', version: '7', id: 's-late' });
    late.append({ timestamp: '2026-03-10T09:00:01.000Z', stream: 'stderr', message: 'late joiner' });
    await rig.receiver.waitFor(6, 10_000);

    // Several discovery rounds later, no session was followed twice.
    await new Promise((r) => setTimeout(r, 700));
    for (const s of [...sessions, late]) expect(s.liveConnections, s.id).toBe(1);

    // A removed session is released.
    sessions[0]!.remove();
    await until(() => daemon.status().sources['foundry-test']!.streams.every((s) => !s.key.endsWith('/s1')), 'release of s1');

    sessions[1]!.append({ timestamp: '2026-03-10T09:00:02.000Z', stream: 'stdout', message: 'still here' });
    await rig.receiver.waitFor(7, 10_000);
    await daemon.shutdown(5000);
    expect(rig.receiver.records.some((r) => r.body === 'wrong agent' || r.body === 'from a deleted session')).toBe(false);
    const listings = rig.emulator.requests.filter((r) => r.path.includes('/endpoint/sessions'));
    expect(listings.some((r) => r.query.after !== undefined)).toBe(true);
  });
});

describe('Foundry session updates', () => {
  it('restarts a session whose agent version changed, on the new URL, without repeating a line', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession({ agent: 'planner', version: '1', id: 's-upd' });
    session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'on v1' });
    const { daemon } = runInProcess(writeConfig(rig, { agent: 'planner' }));
    await rig.receiver.waitFor(1, 10_000);
    session.setVersion('2');
    await until(() => rig!.emulator.requests.some((r) => r.path.includes('/versions/2/') && r.path.endsWith(':logstream')), 'a connection to the v2 URL');
    await session.waitForConnection(2);
    session.append({ timestamp: '2026-03-10T09:00:01.000Z', stream: 'stdout', message: 'after the update' });
    await rig.receiver.waitFor(2, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await daemon.shutdown(5000);
    expect(rig.receiver.records.map((r) => `${String(r.resource['gen_ai.agent.version'])}:${String(r.body)}`)).toEqual([
      '1:on v1',
      '2:after the update',
    ]);
  });
});

describe('following rules', () => {
  const SESSION = { agent: 'support-agent', version: '3', id: 's_rules' };

  it('401 marks the stream auth_failed, is retried slowly, and recovers when the credential works again', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'after the key rotation' });
    session.failNext(3, 401);
    const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION }));
    await until(() => daemon.status().sources['foundry-test']!.streams[0]?.state === 'auth_failed', 'auth_failed state');
    expect(daemon.status().sources['foundry-test']!.state).toBe('auth_failed');
    await rig.receiver.waitFor(1, 10_000);
    await daemon.shutdown(5000);
    expect(events.total('agentlog_auth_failures_total')).toBe(3);
    expect(session.attempts).toBe(4);
  });

  it('a 404 (session gone) finishes and releases the stream instead of retrying forever', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'last words' });
    const { daemon } = runInProcess(writeConfig(rig, { session: SESSION }));
    await rig.receiver.waitFor(1, 10_000);
    session.end();
    await until(() => daemon.status().sources['foundry-test']!.streams[0]?.state === 'finished', 'finished state');
    const attempts = session.attempts;
    await new Promise((r) => setTimeout(r, 500));
    expect(session.attempts).toBe(attempts);
    await daemon.shutdown(5000);
  });

  it('429 with Retry-After waits at least that long before reconnecting', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'patience' });
    session.failNext(1, 429, { retryAfter: 1 });
    const started = Date.now();
    const { daemon } = runInProcess(writeConfig(rig, { session: SESSION }));
    await rig.receiver.waitFor(1, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await daemon.shutdown(5000);
  });

  it('exports OTLP/JSON just as well', async () => {
    rig = await startRig();
    const session = rig.emulator.addSession(SESSION);
    session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stderr', message: 'Traceback (most recent call last):' });
    const { daemon } = runInProcess(writeConfig(rig, { session: SESSION, protocol: 'http/json', compression: 'none' }));
    const [record] = await rig.receiver.waitFor(1, 10_000);
    await daemon.shutdown(5000);
    expect(rig.receiver.requests[0]!.contentType).toBe('application/json');
    expect(record!.severityText).toBe('ERROR');
    expect(record!.body).toBe('Traceback (most recent call last):');
    expect(record!.resource['session.id']).toBe('s_rules');
  });
});
