/**
 * The daemon's own log lines: one JSON object per line with a stable `event`, secrets replaced
 * by key path (before serialization) and by value (in any text, including values learnt on a
 * reload), and a short human format with `log.format: pretty`.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger, createSecretList } from '../../src/telemetry/logger.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('own logs', () => {
  it('redacts by key path and by value, and learns new secrets', () => {
    const out = capture();
    const secrets = createSecretList(['sk-first-1234']);
    const logger = createLogger({ level: 'debug', secrets, destination: out.stream });
    logger.info({ event: 'test.path', token: 'not-a-known-value', headers: { authorization: 'Bearer zzz-unknown' }, auth: { client_secret: 'cs-unknown' } }, 'by path');
    logger.warn({ event: 'test.value', reason: 'HTTP 401: bad key sk-first-1234 and sk-later-5678' }, 'by value');
    secrets.add(['sk-later-5678']);
    logger.error({ event: 'test.learnt', reason: 'still sk-later-5678' }, 'learnt');
    const [path, value, learnt] = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(path).toMatchObject({ level: 30, event: 'test.path', token: '[REDACTED]', headers: { authorization: '[REDACTED]' }, auth: { client_secret: '[REDACTED]' }, msg: 'by path' });
    expect(value!.reason).toBe('HTTP 401: bad key [REDACTED] and sk-later-5678');
    expect(learnt!.reason).toBe('still [REDACTED]');
    expect(typeof path!.time).toBe('number');
  });

  it('logs a refused credential once a minute per stream, while counting every one', () => {
    const out = capture();
    const events = new Events(createLogger({ level: 'info', destination: out.stream }));
    for (let i = 0; i < 5; i++) events.authFailed('src', 'src/a/1', 401, 'unauthorized');
    events.authFailed('src', 'src/a/2', 401, 'unauthorized');
    expect(out.lines().filter((l) => l.includes('"event":"stream.auth_failed"'))).toHaveLength(2);
    expect(events.total('agentlog_auth_failures_total', { source: 'src' })).toBe(6);
  });

  it('log.format pretty prints one short line per event', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'pretty', secrets: ['sk-pretty-9999'], destination: out.stream });
    logger.warn({ event: 'export.retry', code: '503', delay_ms: 250, detail: 'key sk-pretty-9999' }, 'export failed; retrying');
    expect(out.lines()).toHaveLength(1);
    expect(out.lines()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}export\.retry export failed; retrying code=503 delay_ms=250 detail=key \[REDACTED\]$/);
  });
});

describe('secret list', () => {
  it('also hides the credential of an authorization value, never an ordinary word', () => {
    const list = createSecretList(['Bearer hdr-bearer-P0o9I8u7', 'Basic dXNlcjpwYXNzd29yZA==', 'tenant one', 'Token short']);
    expect([...list.values()].sort()).toEqual(['Basic dXNlcjpwYXNzd29yZA==', 'Bearer hdr-bearer-P0o9I8u7', 'Token short', 'dXNlcjpwYXNzd29yZA==', 'hdr-bearer-P0o9I8u7', 'tenant one'].sort());
    list.add(['ApiKey abcdef123456']);
    expect(list.values()).toContain('abcdef123456');
  });
});
