/**
 * The processing stage (DESIGN §4.5) through its LineStage contract: grouping of the stack
 * traces agents print, per log.iostream, records in the order of their first line, and the
 * checkpoint promise (returned lines are exactly those before heldFrom) checked after every call.
 */
import { describe, expect, it } from 'vitest';
import { createLineStage, lineStageFactory } from '../../src/processing/create-line-stage.ts';
import { DEFAULT_PROCESSING, processingSchema, type ProcessingSettings } from '../../src/processing/config-schema.ts';
import type { LineStage, StageOutput } from '../../src/processing/line-stage.ts';
import type { LogEntry } from '../../src/sources/types.ts';
import { createEntryFields } from '../../src/mapping/entry-fields.ts';

type Line = [stream: 'stdout' | 'stderr' | undefined, body: string];

const SEVERITY = { stdout: 'INFO', stderr: 'ERROR', detect: true };

function settings(over: Record<string, unknown> = {}): ProcessingSettings {
  return processingSchema.parse(over);
}

/**
 * Drives a stage like a follower and checks the contract after every call: outputs in order of
 * first line, the lines returned so far are exactly those before heldFrom(), and a line is held
 * only when mayHold said it could be.
 */
class Driver {
  readonly stage: LineStage;
  readonly records: { entry: LogEntry | undefined; firstSeq: number; lastSeq: number }[] = [];
  #seq = 0;
  #now = 1_000;
  /** seq → body, to map a returned record's body back to its lines (line texts are unique in a test). */
  readonly #bodies: string[] = [];
  readonly #returned = new Set<number>();
  #lastFirst = -1;

  constructor(stage: LineStage) {
    this.stage = stage;
  }

  push(...lines: Line[]): this {
    for (const [iostream, body] of lines) {
      const entry: LogEntry = { body, timeMs: this.#now, ...(iostream ? { iostream } : {}) };
      const mayHold = this.stage.mayHold(entry);
      const seq = this.#seq++;
      this.#bodies[seq] = body;
      this.#take(this.stage.push(seq, entry, this.#now));
      if (!mayHold) expect(this.stage.heldFrom(), `line ${seq} held although mayHold said no`).toBeUndefined();
      this.#now += 1;
    }
    return this;
  }

  advance(ms: number): this {
    this.#now += ms;
    this.#take(this.stage.expire(this.#now));
    return this;
  }

  flush(): this {
    this.#take(this.stage.flush());
    expect(this.stage.heldFrom()).toBeUndefined();
    return this;
  }

  bodies(): (string | undefined)[] {
    return this.records.map((r) => r.entry?.body);
  }

  #take(outputs: StageOutput[]): void {
    for (const out of outputs) {
      expect(out.firstSeq).toBeGreaterThan(this.#lastFirst);
      this.#lastFirst = out.firstSeq;
      this.records.push(out);
      if (out.entry === undefined) {
        for (let s = out.firstSeq; s <= out.lastSeq; s++) if (!this.#returned.has(s)) this.#returned.add(s);
        continue;
      }
      // Map each line of the body back to its seq: the first unreturned seq in range with that text.
      for (const line of out.entry.body.split('\n')) {
        let found = -1;
        for (let s = out.firstSeq; s <= out.lastSeq; s++) {
          if (!this.#returned.has(s) && this.#bodies[s] === line) {
            found = s;
            break;
          }
        }
        if (found < 0) continue; // a body changed by parse/redact: its range is checked below
        this.#returned.add(found);
      }
      this.#returned.add(out.firstSeq);
      this.#returned.add(out.lastSeq);
    }
    const held = this.stage.heldFrom() ?? this.#seq;
    for (let s = 0; s < this.#seq; s++) {
      if (this.#returned.has(s) === s < held) continue;
      expect.fail(`line ${s} (${JSON.stringify(this.#bodies[s])}) returned: ${String(this.#returned.has(s))}, heldFrom ${held}`);
    }
  }
}

const auto = (over: Record<string, unknown> = {}): Driver =>
  new Driver(createLineStage({ settings: settings({ parse: 'none', redact: { builtin: false }, ...over }), severity: SEVERITY }));

const PYTHON = [
  'Traceback (most recent call last):',
  '  File "/app/agent.py", line 42, in handle',
  '    result = tool.run(args)',
  '  File "/app/tools.py", line 7, in run',
  '    raise ValueError("bad input")',
  'ValueError: bad input',
];

describe('multiline auto', () => {
  it('keeps a stderr traceback whole while stdout lines interleave, records in order of first line', () => {
    const d = auto().push(
      ['stdout', 'GET /healthz 200'],
      ['stderr', PYTHON[0]!],
      ['stdout', 'GET /a 200'],
      ['stderr', PYTHON[1]!],
      ['stderr', PYTHON[2]!],
      ['stdout', 'GET /b 200'],
      ['stderr', PYTHON[3]!],
      ['stderr', PYTHON[4]!],
      ['stdout', 'GET /c 200'],
      ['stderr', PYTHON[5]!],
    );
    // The exception line may still be followed by a chained traceback: held until the next stderr line.
    expect(d.bodies()).toEqual(['GET /healthz 200']);
    expect(d.stage.heldFrom()).toBe(1);
    d.push(['stderr', 'INFO: shutting down']);
    expect(d.bodies()).toEqual(['GET /healthz 200', PYTHON.join('\n'), 'GET /a 200', 'GET /b 200', 'GET /c 200', 'INFO: shutting down']);
    const tb = d.records[1]!;
    expect([tb.firstSeq, tb.lastSeq]).toEqual([1, 9]);
    expect(tb.entry!.iostream).toBe('stderr');
    expect(createEntryFields({ severity: { ...SEVERITY, stderr: 'INFO' }, attributes: {} }).severityFor(tb.entry!).text).toBe('ERROR');
  });

  it('joins a chained Python traceback (direct cause and during handling)', () => {
    const chained = [
      'Traceback (most recent call last):',
      '  File "a.py", line 3, in load',
      '    return json.loads(text)',
      'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
      '',
      'The above exception was the direct cause of the following exception:',
      ' ',
      'Traceback (most recent call last):',
      '  File "a.py", line 9, in main',
      '    load()',
      'RuntimeError: config unreadable',
      '  ',
      'During handling of the above exception, another exception occurred:',
      '   ',
      'Traceback (most recent call last):',
      '  File "a.py", line 12, in <module>',
      '    cleanup()',
      'OSError: disk full',
    ];
    const d = auto().push(...chained.map((l): Line => ['stderr', l]), ['stderr', '    '], ['stderr', 'agent exiting']);
    // The blank line after the last exception belongs to nothing that follows: its own record.
    expect(d.bodies()).toEqual([chained.join('\n'), '    ', 'agent exiting']);
  });

  it('joins a JVM stack trace with Caused by, Suppressed and "... N more"', () => {
    const jvm = [
      'Exception in thread "main" java.lang.IllegalStateException: agent failed',
      '\tat com.example.Agent.run(Agent.java:42)',
      '\tat com.example.Main.main(Main.java:10)',
      '\tSuppressed: java.io.IOException: close failed',
      '\t\tat com.example.Agent.close(Agent.java:80)',
      'Caused by: java.net.ConnectException: Connection refused',
      '\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
      '\t... 2 more',
    ];
    const d = auto().push(['stdout', 'starting'], ...jvm.map((l): Line => ['stderr', l]), ['stderr', 'next line']).flush();
    expect(d.bodies()).toEqual(['starting', jvm.join('\n'), 'next line']);
  });

  it('joins a Node.js error stack with its cause and printed properties', () => {
    const node = [
      "TypeError: Cannot read properties of undefined (reading 'id')",
      '    at handler (/app/server.js:14:21)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0) {',
      "  code: 'ERR_AGENT',",
      '  details: {',
      '    retry: false',
      '  }',
      '}',
    ];
    const cause = ['Error: fetch failed', '    at fetch (node:internal/deps/undici/undici:13510:13)', '  [cause]: Error: connect ECONNREFUSED 127.0.0.1:5432', '      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)'];
    const d = auto().push(...node.map((l): Line => ['stderr', l]), ...cause.map((l): Line => ['stderr', l]), ['stderr', 'Node.js v22.14.0']).flush();
    expect(d.bodies()).toEqual([node.join('\n'), cause.join('\n'), 'Node.js v22.14.0']);
  });

  it('joins a Go panic with its goroutines', () => {
    const panic = [
      'panic: runtime error: index out of range [5] with length 3',
      '',
      'goroutine 1 [running]:',
      'main.(*Agent).step(0xc000012345, {0x4b2b20, 0x3})',
      '\t/app/agent.go:27 +0x1d',
      'main.main()',
      '\t/app/main.go:8 +0x25',
      ' ',
      'goroutine 18 [chan receive]:',
      'created by main.main in goroutine 1',
      '\t/app/main.go:6 +0x1f',
    ];
    const d = auto().push(...panic.map((l): Line => ['stderr', l]), ['stderr', 'exit status 2']).flush();
    expect(d.bodies()).toEqual([panic.join('\n'), 'exit status 2']);
  });

  it('keeps a PEM private key block together (so redaction sees all of it)', () => {
    const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAx4', 'Zm9vYmFy', '-----END RSA PRIVATE KEY-----'];
    const d = auto().push(...pem.map((l): Line => ['stdout', l]), ['stdout', 'after']);
    expect(d.bodies()).toEqual([pem.join('\n'), 'after']);
  });

  it('closes a group after timeout without a new line, and says when', () => {
    const d = auto().push(['stderr', 'Error: boom'], ['stderr', '    at main (/app/x.js:1:1)']);
    expect(d.bodies()).toEqual([]);
    const deadline = d.stage.nextDeadline();
    expect(deadline).toBeDefined();
    d.advance(100);
    expect(d.bodies()).toEqual([]);
    d.advance(500);
    expect(d.bodies()).toEqual(['Error: boom\n    at main (/app/x.js:1:1)']);
    expect(d.stage.nextDeadline()).toBeUndefined();
  });

  it('closes a group at max_lines and max_bytes', () => {
    const frames = Array.from({ length: 7 }, (_, i) => `    at f${i} (/app/x.js:${i}:1)`);
    const byLines = auto({ multiline: { max_lines: 3 } }).push(['stderr', 'Error: many'], ...frames.map((l): Line => ['stderr', l])).flush();
    expect(byLines.bodies()[0]).toBe(['Error: many', frames[0], frames[1]].join('\n'));
    expect(byLines.bodies().slice(1)).toEqual(frames.slice(2));
    const byBytes = auto({ multiline: { max_bytes: 70 } }).push(['stderr', 'Error: many'], ...frames.map((l): Line => ['stderr', l])).flush();
    expect(byBytes.bodies()[0]).toBe(['Error: many', frames[0], frames[1]].join('\n'));
  });

  it('does not hold ordinary lines, and says so before they are pushed', () => {
    const d = auto();
    for (const body of ['GET / 200', 'INFO: Application startup complete.', '{"level":"info","msg":"x"}', 'ErrorHandler registered']) {
      expect(d.stage.mayHold({ body, iostream: 'stdout' })).toBe(false);
      d.push(['stdout', body]);
    }
    expect(d.bodies()).toHaveLength(4);
    expect(d.stage.mayHold({ body: 'Traceback (most recent call last):' })).toBe(true);
  });

  it('a custom start regex begins records; other lines join the open one', () => {
    const d = auto({ multiline: { start: String.raw`^\d{4}-\d\d-\d\d ` } }).push(
      ['stdout', 'orphan before any start'],
      ['stdout', '2026-03-10 09:00:00 request failed:'],
      ['stdout', '  detail one'],
      ['stdout', '  detail two'],
      ['stdout', '2026-03-10 09:00:01 next'],
    ).flush();
    expect(d.bodies()).toEqual(['orphan before any start', '2026-03-10 09:00:00 request failed:\n  detail one\n  detail two', '2026-03-10 09:00:01 next']);
  });

  it('multiline none: every line at once', () => {
    const d = auto({ multiline: 'none' }).push(['stderr', PYTHON[0]!], ['stderr', PYTHON[1]!]);
    expect(d.bodies()).toEqual([PYTHON[0], PYTHON[1]]);
    expect(d.stage.mayHold({ body: PYTHON[0]! })).toBe(false);
  });

  it('holds the checkpoint promise for any interleaving of stacks and plain lines on two streams', () => {
    // A deterministic pseudo-random walk over the vocabulary of every rule.
    const vocab = [...PYTHON, '', 'During handling of the above exception, another exception occurred:', 'Error: x', '    at f (a.js:1:1)', 'panic: p', 'goroutine 1 [running]:', 'main.main()', '\t/a.go:1', 'plain', 'GET / 200', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'Caused by: java.lang.Error: y', '\t... 3 more'];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 40; run++) {
      const d = auto({ multiline: { max_lines: 1 + rand(12), timeout: '50ms' } });
      for (let i = 0; i < 150; i++) {
        const stream = rand(3) === 0 ? 'stdout' : 'stderr';
        // Unique texts (whitespace variants of blank lines) let the driver map bodies back to lines.
        const base = vocab[rand(vocab.length)]!;
        const unique = base.trim() === '' || base.endsWith(':') || base.startsWith('-----') ? ' '.repeat(1 + i) : ` #${i}`;
        const body = base + unique;
        d.push([stream, body]);
        if (rand(10) === 0) d.advance(rand(80));
      }
      d.flush();
    }
  });
});

describe('parse', () => {
  const parsed = (body: string, over: Record<string, unknown> = {}, attributes?: LogEntry['attributes']): LogEntry => {
    const stage = createLineStage({ settings: settings({ multiline: 'none', ...over }), severity: SEVERITY });
    return stage.push(0, { body, iostream: 'stdout', ...(attributes ? { attributes } : {}) }, 0)[0]!.entry!;
  };

  it('a JSON line: message to body, level to severity, trace context lifted, other keys flattened', () => {
    const entry = parsed(JSON.stringify({
      level: 'warning', msg: 'tool call slow', trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736', span_id: '00f067aa0ba902b7',
      tool: { name: 'search', args: ['q'], meta: { ms: 1200, ok: true, none: null } },
    }));
    expect(entry.body).toBe('tool call slow');
    expect(entry.level).toBe('WARNING');
    expect(entry.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(entry.spanId).toBe('00f067aa0ba902b7');
    expect(entry.attributes).toEqual({ 'tool.name': 'search', 'tool.args': '["q"]', 'tool.meta.ms': 1200, 'tool.meta.ok': true });
  });

  it('W3C traceparent, otel* keys, pino levels, structlog event', () => {
    const w3c = parsed('{"message":"m","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}');
    expect([w3c.traceId, w3c.spanId, w3c.traceFlags]).toEqual(['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 1]);
    expect(w3c.attributes).toEqual({});
    const otel = parsed('{"msg":"m","otelTraceID":"0af7651916cd43dd8448eb211c80319c","otelSpanID":"b7ad6b7169203331","level":50}');
    expect([otel.traceId, otel.spanId, otel.level]).toEqual(['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'ERROR']);
    expect(parsed('{"event":"user logged in","log_level":"info","level":"debug"}')).toMatchObject({ body: 'user logged in', level: 'DEBUG' });
    // Not a trace id: wrong length stays an attribute; a body without a message stays as it came.
    const bad = parsed('{"trace_id":"abc","n":1}');
    expect(bad.traceId).toBeUndefined();
    expect(bad.body).toBe('{"trace_id":"abc","n":1}');
    expect(bad.attributes).toEqual({ trace_id: 'abc', n: 1 });
  });

  it('a logfmt line with a trace id; text with a stray "=" stays text', () => {
    const entry = parsed('time=2026-03-10T09:00:00Z level=error msg="upstream \\"llm\\" timed out" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 attempt=3');
    expect(entry.body).toBe('upstream "llm" timed out');
    expect(entry.level).toBe('ERROR');
    expect(entry.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(entry.attributes).toEqual({ time: '2026-03-10T09:00:00Z', attempt: '3' });
    for (const text of ['GET /search?q=1&page=2 200', 'setting x=1', 'a=1']) expect(parsed(text)).toEqual({ body: text, iostream: 'stdout' });
  });

  it('never overrides platform attributes or mapper keys; at most 128 attributes', () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const entry = parsed(JSON.stringify({ msg: 'm', 'k8s.container.name': 'forged', 'log.iostream': 'forged', ...many }), {}, { 'k8s.container.name': 'agent' });
    expect(entry.attributes!['k8s.container.name']).toBe('agent');
    expect(entry.attributes!['log.iostream']).toBeUndefined();
    expect(Object.keys(entry.attributes!)).toHaveLength(128);
  });

  it('json and logfmt modes try only their format; none keeps the body', () => {
    expect(parsed('a=1 b=2', { parse: 'json' }).body).toBe('a=1 b=2');
    expect(parsed('{"msg":"x"}', { parse: 'logfmt' }).body).toBe('{"msg":"x"}');
    expect(parsed('{"msg":"x"}', { parse: 'none' }).body).toBe('{"msg":"x"}');
    expect(parsed('{"msg":"x"}', { parse: 'json' }).body).toBe('x');
  });
});

describe('stages of one source', () => {
  it('streams share the record steps but each groups its own lines (a start regex too)', () => {
    for (const multiline of ['auto', { start: '^Traceback' }]) {
      const next = lineStageFactory({ settings: settings({ parse: 'none', multiline, redact: { patterns: ['tok_[a-z]+'] } }), severity: SEVERITY });
      const a = new Driver(next());
      const b = new Driver(next());
      a.push(['stderr', PYTHON[0]!], ['stderr', PYTHON[1]!]);
      b.push(['stderr', 'token tok_abc in b']);
      a.push(['stderr', PYTHON[2]!]);
      b.flush();
      a.flush();
      expect(b.bodies()).toEqual(['token [REDACTED] in b']);
      expect(a.bodies()).toEqual([PYTHON.slice(0, 3).join('\n')]);
    }
  });
});

describe('drop and max_body_bytes', () => {
  it('drops a DEBUG line below INFO and lines matching a pattern; keeps records without severity', () => {
    const stage = createLineStage({ settings: settings({ drop: { below: 'info', matching: ['^GET /healthz'] } }), severity: SEVERITY });
    const out = [
      { body: 'DEBUG: cache miss', iostream: 'stdout' as const },
      { body: '{"level":"debug","msg":"json debug"}', iostream: 'stdout' as const },
      { body: 'GET /healthz 200', iostream: 'stdout' as const },
      { body: 'WARN: slow', iostream: 'stdout' as const },
      { body: 'status line without stream' },
    ].map((e, i) => stage.push(i, e, 0)[0]!.entry?.body);
    expect(out).toEqual([undefined, undefined, undefined, 'WARN: slow', 'status line without stream']);
  });

  it('cuts a 5 KiB line at 1 KiB between multi-byte characters and keeps the original size', () => {
    // 1023 ASCII bytes, then 3-byte characters: byte 1024 falls inside the first of them.
    const body = 'a'.repeat(1023) + '€'.repeat(1366);
    const size = Buffer.byteLength(body);
    expect(size).toBeGreaterThan(5 * 1024 - 4);
    const stage = createLineStage({ settings: settings({ max_body_bytes: '1KiB' }), severity: SEVERITY });
    const entry = stage.push(0, { body }, 0)[0]!.entry!;
    expect(entry.body).toBe('a'.repeat(1023));
    expect(entry.attributes).toEqual({ 'agent_log_exporter.body.original_size': size });
    const emoji = createLineStage({ settings: settings({ max_body_bytes: 1026 }), severity: SEVERITY }).push(0, { body: 'b'.repeat(1023) + '📄'.repeat(1200) }, 0)[0]!.entry!;
    expect(emoji.body).toBe('b'.repeat(1023)); // a 4-byte character does not fit in the 3 bytes left
    expect(createLineStage({ settings: DEFAULT_PROCESSING, severity: SEVERITY }).push(0, { body: 'short' }, 0)[0]!.entry).toEqual({ body: 'short' });
  });
});
