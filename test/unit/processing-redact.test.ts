/**
 * Redaction (DESIGN §4.5 step 3): every built-in credential kind, in a plain body and in JSON
 * fields, is gone from the record while the text around it stays; configured patterns replace
 * their first capture group; records with a secret are counted per source.
 */
import { describe, expect, it } from 'vitest';
import { createLineStage } from '../../src/processing/create-line-stage.ts';
import { processingSchema } from '../../src/processing/config-schema.ts';
import { createRedactor } from '../../src/processing/redactor.ts';
import { BUILTIN_SECRETS } from '../../src/processing/builtin-secrets.ts';
import { Events } from '../../src/telemetry/events.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import type { LogEntry } from '../../src/sources/types.ts';
import { SECRETS } from '../helpers/secret-samples.ts';


const settings = (over: Record<string, unknown> = {}) => processingSchema.parse({ multiline: 'none', ...over });

function process(entry: LogEntry, over: Record<string, unknown> = {}, events?: Events): LogEntry {
  const stage = createLineStage({ settings: settings(over), severity: { stdout: 'INFO', stderr: 'ERROR', detect: true }, counts: events && { source: 'src', events } });
  return stage.push(0, entry, 0)[0]!.entry!;
}

describe('redact', () => {
  it('has a sample for every built-in kind', () => {
    expect(Object.keys(SECRETS).sort()).toEqual(BUILTIN_SECRETS.map((p) => p.kind).sort());
  });

  for (const [kind, { secret, line }] of Object.entries(SECRETS)) {
    it(`replaces ${kind} in a body and in JSON fields, keeping the text around it`, () => {
      const text = line(secret);
      const body = process({ body: text, iostream: 'stdout' });
      expect(body.body).not.toContain(secret);
      expect(body.body).toContain('[REDACTED]');
      const [before, after] = text.split(secret);
      // The text around it (a PEM block is replaced from BEGIN to END, so compare the outer words).
      expect(body.body.startsWith(before!.slice(0, 8))).toBe(true);
      expect(body.body.endsWith(after!.slice(-5))).toBe(true);

      const json = process({ body: JSON.stringify({ msg: `tool said: ${text}`, level: 'info', env: { TOKEN: text }, note: 'kept' }) });
      const exported = JSON.stringify(json);
      expect(exported).not.toContain(secret);
      expect(json.body).toContain('tool said: ');
      expect(String(json.attributes!['env.TOKEN'])).toContain('[REDACTED]');
      expect(json.attributes!.note).toBe('kept');
    });
  }

  it('replaces in string attributes of the platform too, and counts records, not secrets', () => {
    const events = new Events(createLogger({ level: 'error', format: 'json' }));
    const out = process({ body: `${SECRETS.jwt!.secret} and ${SECRETS.aws_access_key_id!.secret}`, attributes: { 'foundry.cmd': `curl -H "Authorization: Bearer ${SECRETS.bearer!.secret}"`, 'foundry.n': 3 } }, {}, events);
    expect(out.body).toBe('[REDACTED] and [REDACTED]');
    expect(out.attributes).toEqual({ 'foundry.cmd': 'curl -H "Authorization: Bearer [REDACTED]"', 'foundry.n': 3 });
    process({ body: 'nothing secret here' }, {}, events);
    expect(events.total('agentlog_records_redacted_total', { source: 'src' })).toBe(1);
  });

  it('configured patterns: a capture group is what is replaced; replacement and builtin: false apply', () => {
    const over = { redact: { builtin: false, patterns: [String.raw`password=(\S+)`, 'internal-[0-9]{4}', String.raw`(['"])tok_\w+\1`], replacement: '***' } };
    expect(process({ body: 'login password=hunter2 ok' }, over).body).toBe('login password=*** ok');
    expect(process({ body: 'host internal-1234 up' }, over).body).toBe('host *** up');
    expect(process({ body: `quoted 'tok_abc' end` }, over).body).toBe(`quoted ***tok_abc' end`);
    expect(process({ body: `key ${SECRETS.aws_access_key_id!.secret}` }, over).body).toBe(`key ${SECRETS.aws_access_key_id!.secret}`);
  });

  it('leaves ordinary text alone, and returns the same string when nothing matched', () => {
    const redact = createRedactor({ builtin: true, patterns: [], replacement: 'X' })!;
    for (const text of ['task-scheduler-worker-1234567890abcdef started', 'the bearer of news', 'ask-me-anything-about-everything-here', 'AKIA is a prefix', 'eyJ alone']) {
      expect(redact(text)).toBe(text);
    }
    expect(createRedactor({ builtin: false, patterns: [], replacement: 'X' })).toBeUndefined();
  });
});
