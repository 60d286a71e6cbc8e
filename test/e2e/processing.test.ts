/**
 * The processing stage end to end (DESIGN §4.5): a Foundry session on the loopback emulator, the
 * real daemon, records decoded by the receiver with the official OTLP schema. Interleaved
 * stdout/stderr while a stderr traceback is written, a chained Python traceback, a JVM trace, a
 * Node.js stack, a Go panic, JSON and logfmt lines with trace ids, every built-in secret kind in
 * bodies and JSON fields, a DEBUG line dropped by `below: INFO`, a 5 KiB line cut at 1 KiB.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonLogLine } from '../../emulators/foundry.ts';
import { runInProcess, startRig, writeConfig, type Rig } from '../helpers/harness.ts';
import { SECRETS } from '../helpers/secret-samples.ts';

const SESSION = { agent: 'support-agent', version: '3', id: 's_proc' };

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const out = (message: string): JsonLogLine => ({ stream: 'stdout', message });
const err = (message: string): JsonLogLine => ({ stream: 'stderr', message });

const PYTHON_CHAINED = [
  'Traceback (most recent call last):',
  '  File "/app/tools.py", line 12, in load',
  '    return json.loads(text)',
  'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/agent.py", line 40, in handle',
  '    config = load()',
  'RuntimeError: config unreadable',
];
const JVM = [
  'Exception in thread "main" java.lang.IllegalStateException: agent failed',
  '\tat com.example.Agent.run(Agent.java:42)',
  'Caused by: java.net.ConnectException: Connection refused',
  '\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
  '\t... 3 more',
];
const NODE = ["TypeError: Cannot read properties of undefined (reading 'id')", '    at handler (/app/server.js:14:21)', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'];
const GO = ['panic: runtime error: index out of range [5] with length 3', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:8 +0x25', 'exit status 2'];
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('processing, end to end', () => {
  it('merges, parses, redacts, drops and cuts what a Foundry agent prints', async () => {
    rig = await startRig();
    const secrets = Object.values(SECRETS);
    const big = 'a'.repeat(1023) + '€'.repeat(1366); // 5 KiB; byte 1024 falls inside a 3-byte character
    const lines: JsonLogLine[] = [
      out('GET /healthz 200'),
      // A stderr traceback while stdout keeps writing.
      err(PYTHON_CHAINED[0]!), out('GET /a 200'), err(PYTHON_CHAINED[1]!), out('GET /b 200'),
      ...PYTHON_CHAINED.slice(2).map(err),
      out('GET /c 200'),
      ...JVM.map(err),
      ...NODE.map(err),
      ...GO.slice(0, -1).map(err), err(GO.at(-1)!),
      out(JSON.stringify({ level: 'warning', msg: 'tool slow', trace_id: TRACE, span_id: SPAN, tool: { name: 'search' } })),
      out(`level=error msg="upstream timed out" traceparent=00-${TRACE}-${SPAN}-01 attempt=3`),
      out('DEBUG: cache miss for key user:42'),
      ...secrets.filter((s) => !s.line('X').includes('\n')).map((s) => out(s.line(s.secret))),
      out('key file:'), out('-----BEGIN RSA PRIVATE KEY-----'), out(SECRETS.pem_private_key!.secret), out('-----END RSA PRIVATE KEY-----'),
      ...secrets.map((s) => out(JSON.stringify({ msg: 'env dump', level: 'info', value: s.line(s.secret), nested: { token: s.line(s.secret) } }))),
      out(big),
      out('done'),
    ];
    rig.emulator.addSession(SESSION).append(...lines);
    const { daemon, events } = runInProcess(writeConfig(rig, { session: SESSION, extra: 'processing:\n  drop: {below: INFO}\n  max_body_bytes: 1KiB\n' }));
    await rig.receiver.waitFor((records) => records.some((r) => r.body === 'done'), 20_000);
    await daemon.shutdown(5000);
    const records = rig.receiver.records;
    const bodies = records.map((r) => String(r.body));

    // Records in the order of their first line; the traceback whole, ERROR, on stderr.
    expect(bodies.slice(0, 5)).toEqual(['GET /healthz 200', PYTHON_CHAINED.join('\n'), 'GET /a 200', 'GET /b 200', 'GET /c 200']);
    expect(records[1]).toMatchObject({ severityText: 'ERROR', attributes: { 'log.iostream': 'stderr' } });
    expect(bodies).toContain(JVM.join('\n'));
    expect(bodies).toContain(NODE.join('\n'));
    expect(bodies).toContain(GO.slice(0, -1).join('\n'));
    expect(bodies).toContain('exit status 2');

    const json = records.find((r) => r.body === 'tool slow')!;
    expect(json).toMatchObject({ severityText: 'WARNING', traceId: TRACE, spanId: SPAN, attributes: { 'tool.name': 'search' } });
    const logfmt = records.find((r) => r.body === 'upstream timed out')!;
    expect(logfmt).toMatchObject({ severityText: 'ERROR', traceId: TRACE, spanId: SPAN, flags: 1, attributes: { attempt: '3' } });

    expect(bodies.some((b) => b.includes('cache miss'))).toBe(false);
    expect(events.total('agentlog_records_skipped_total', { reason: 'filtered' })).toBe(1);

    const exported = JSON.stringify(records, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    for (const { secret } of secrets) expect(exported).not.toContain(secret);
    expect(bodies).toContain('OPENAI_API_KEY=[REDACTED] loaded');
    expect(bodies).toContain('key file:');
    expect(bodies).toContain('[REDACTED]'); // the PEM block, merged and replaced whole
    const dumps = records.filter((r) => r.body === 'env dump');
    expect(dumps).toHaveLength(secrets.length);
    for (const d of dumps) expect(String(d.attributes['nested.token'])).toContain('[REDACTED]');
    expect(events.total('agentlog_records_redacted_total')).toBe(2 * secrets.length);

    const cut = records.find((r) => String(r.body).startsWith('aaa'))!;
    expect(cut.body).toBe('a'.repeat(1023));
    expect(cut.attributes['agent_log_exporter.body.original_size']).toBe(Buffer.byteLength(big));
    expect(bodies.at(-1)).toBe('done');
  });
});
