/**
 * The exporter's transport options against a real HTTPS receiver: a private CA, skip-verify,
 * headers from the config and from OTEL_EXPORTER_OTLP_HEADERS, and the request timeout.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { startFoundryEmulator, type FoundryEmulator } from '../../emulators/foundry.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../emulators/otlp-receiver.ts';
import { TOKEN, runInProcess } from '../helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'ale-tls-'));
let pems: { private: string; cert: string };
let emulator: FoundryEmulator | undefined;
let receiver: OtlpReceiver | undefined;

beforeAll(async () => {
  pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  writeFileSync(join(dir, 'ca.pem'), pems.cert);
});

afterEach(async () => {
  await emulator?.close();
  await receiver?.close();
});

async function run(exporterYaml: string, env: Record<string, string> = {}, wait = true, clientCa?: string) {
  emulator = await startFoundryEmulator({ token: TOKEN });
  receiver = await startOtlpReceiver({ tls: { key: pems.private, cert: pems.cert, ...(clientCa ? { clientCa } : {}) } });
  const session = emulator.addSession({ agent: 'a', version: '1', id: 's' });
  session.append({ timestamp: '2026-03-10T09:00:00.000Z', stream: 'stdout', message: 'over TLS' });
  const text = `sources:
  - name: tls-test
    type: foundry
    endpoint: ${emulator.url}
    agent: a
    version: "1"
    session: s
    auth: {type: bearer, token: ${TOKEN}}
exporter:
  endpoint: ${receiver.url}
  batch: {timeout: 20ms}
  retry: {initial_interval: 20ms, max_interval: 100ms}
${exporterYaml}
storage: {dir: ${mkdtempSync(join(dir, 'data-'))}}
server: {listen: ""}
`;
  const result = parseConfigText(text, 'tls.yaml', env);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const { daemon, events } = runInProcess(result.config);
  if (wait) await receiver.waitFor(1, 10_000);
  return { daemon, events, receiver };
}

describe('exporter transport', () => {
  it('trusts a private CA from tls.ca_file and sends configured and OTEL_EXPORTER_OTLP_HEADERS headers', async () => {
    const { daemon, receiver } = await run(`  tls: {ca_file: ${join(dir, 'ca.pem')}}\n  headers: {x-scope-orgid: tenant-a}`, {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20dXNlcjpwYXNz,x-scope-orgid=overridden',
    });
    await daemon.shutdown(2000);
    expect(receiver.records[0]!.body).toBe('over TLS');
    const headers = receiver.requests[0]!.headers;
    expect(headers['x-scope-orgid']).toBe('tenant-a');
    expect(headers.authorization).toBe('Basic dXNlcjpwYXNz');
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers['user-agent']).toMatch(/^agent-log-exporter\//);
  });

  it('refuses an unknown certificate (retrying, nothing accepted), and insecure_skip_verify accepts it', async () => {
    const refused = await run('', {}, false);
    await new Promise((r) => setTimeout(r, 500));
    expect(refused.receiver.records).toHaveLength(0);
    expect(refused.daemon.status().exporter.lastFailure).toMatch(/certificate|self.signed|CERT/i);
    await refused.daemon.shutdown(500);
    await emulator!.close();
    await receiver!.close();

    const skipped = await run('  tls: {insecure_skip_verify: true}');
    await skipped.daemon.shutdown(2000);
    expect(skipped.receiver.records[0]!.body).toBe('over TLS');
  });

  it('a receiver slower than exporter.timeout is retried until it answers in time', async () => {
    const { daemon, events, receiver } = await (async () => {
      const r = await run('  timeout: 300ms\n  tls: {insecure_skip_verify: true}', {}, false);
      r.receiver.respondWith([{ status: 200, delayMs: 1000, times: 2 }]);
      return r;
    })();
    await receiver.waitFor((records) => records.length >= 1 && receiver.requests.length >= 3, 10_000);
    await daemon.shutdown(2000);
    // The slow answers were abandoned by the daemon, so it sent the batch again: the receiver
    // saw it more than once, which is what a timeout means for at-least-once delivery.
    expect(receiver.requests.length).toBeGreaterThanOrEqual(3);
    expect(events.total('agentlog_records_exported_total')).toBe(1);
  });

  it('presents a client certificate from tls.cert_file/key_file to an endpoint that requires one (mutual TLS)', async () => {
    // The loopback certificate doubles as the CA that signs the client certificate.
    const client = await generate([{ name: 'commonName', value: 'agent-log-exporter' }], {
      keySize: 2048,
      algorithm: 'sha256',
      ca: { key: pems.private, cert: pems.cert },
    });
    writeFileSync(join(dir, 'client.pem'), client.cert);
    writeFileSync(join(dir, 'client.key'), client.private);

    const withCert = await run(
      `  tls: {ca_file: ${join(dir, 'ca.pem')}, cert_file: ${join(dir, 'client.pem')}, key_file: ${join(dir, 'client.key')}}`,
      {},
      true,
      pems.cert,
    );
    await withCert.daemon.shutdown(2000);
    expect(withCert.receiver.records[0]!.body).toBe('over TLS');
    await emulator!.close();
    await receiver!.close();

    const without = await run(`  tls: {ca_file: ${join(dir, 'ca.pem')}}`, {}, false, pems.cert);
    await new Promise((r) => setTimeout(r, 500));
    expect(without.receiver.records).toHaveLength(0);
    expect(without.daemon.status().exporter.lastFailure).toBeDefined();
    await without.daemon.shutdown(500);
  });
});
