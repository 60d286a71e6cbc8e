// One error hierarchy with stable codes; the CLI's exit code and message follow from the code
// (DESIGN: 1 fatal runtime error, 2 bad usage or invalid config), never from the message.
import { describe, expect, it } from 'vitest';
import { exitCodeOf, messageOf } from '../../src/cli/errors.ts';
import { AppError, ConfigError, NotInThisBuildError, RuntimeError, SourceError, StateError, UsageError } from '../../src/errors.ts';
import { QueueClosedError } from '../../src/delivery/queue.ts';
import { PlatformError } from '../../src/sources/errors.ts';
import { TokenUnavailableError } from '../../src/sources/foundry/azure-token.ts';
import { TokenError } from '../../src/sources/hill90/token-provider.ts';

describe('errors', () => {
  it('bad input exits 2, runtime failures exit 1, by code', () => {
    expect(exitCodeOf(new ConfigError(['a.yaml:1:1 x: bad (fix it)'], '1 problem'))).toBe(2);
    expect(exitCodeOf(new UsageError('unknown option --x.'))).toBe(2);
    expect(exitCodeOf(new NotInThisBuildError('run the demo from a checkout'))).toBe(2);
    expect(exitCodeOf(new RuntimeError('TELEMETRY_LISTEN', 'port in use'))).toBe(1);
    expect(exitCodeOf(new RuntimeError('START_FAILED', 'cannot start'))).toBe(1);
    expect(exitCodeOf(new StateError('state.db is not a database'))).toBe(1);
    expect(exitCodeOf(new PlatformError('listing failed: HTTP 500', 500))).toBe(1);
    expect(exitCodeOf(new Error('a bug'))).toBe(1);
  });

  it('the classes we throw are one family, told apart by stable codes', () => {
    expect(new PlatformError('x', 503)).toBeInstanceOf(SourceError);
    expect(new PlatformError('x', 503).code).toBe('PLATFORM');
    expect(new TokenError('token request refused: HTTP 401', 401).code).toBe('TOKEN_REFUSED');
    expect(new TokenError('token request refused: HTTP 401', 401).refused).toBe(true);
    expect(new TokenError('token request failed: ECONNREFUSED').code).toBe('TOKEN_UNAVAILABLE');
    expect(new TokenError('token request failed: ECONNREFUSED').refused).toBe(false);
    expect(new TokenUnavailableError('no credential').code).toBe('TOKEN_UNAVAILABLE');
    expect(new QueueClosedError('spool')).toBeInstanceOf(StateError);
    expect(new QueueClosedError('spool').code).toBe('QUEUE_CLOSED');
    for (const e of [new ConfigError([], 's'), new UsageError('u'), new TokenUnavailableError('r'), new QueueClosedError('q')]) expect(e).toBeInstanceOf(AppError);
  });

  it('one paragraph: config problems as they are, others behind the name, a bug says fatal and hides its stack', () => {
    expect(messageOf(new ConfigError(['a.yaml:3:5 exporter.endpoint: not a URL (give http…)'], 'agent-log-exporter: 1 problem in a.yaml; nothing was started.'), {})).toBe(
      'a.yaml:3:5 exporter.endpoint: not a URL (give http…)\nagent-log-exporter: 1 problem in a.yaml; nothing was started.',
    );
    expect(messageOf(new UsageError('unknown command "rn".'), {})).toBe('agent-log-exporter: unknown command "rn".\nRun `agent-log-exporter --help` for usage.');
    const bug = new Error('x is undefined');
    expect(messageOf(bug, {})).toBe('agent-log-exporter: fatal: x is undefined');
    expect(messageOf(bug, { AGENT_LOG_EXPORTER_DEBUG: '1' })).toContain('errors.test.ts');
  });
});
