/**
 * Every shipped example parses, and every agent-log-exporter config among them — the
 * config/*.example.yaml files and the configs embedded in the Kubernetes ConfigMaps — passes
 * the real `validate`. Configs using a source type this build does not have yet are skipped
 * (they are checked once that source lands). The Collector example's pipelines only name
 * components it defines; the manifests' probes and scrape annotations hit the telemetry server.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { availableTypes } from '../../src/sources/registry.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

type Obj = Record<string, unknown>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function documents(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) expect(doc.errors.map((e) => e.message), relative(ROOT, file)).toEqual([]);
  return list.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

const dir = mkdtempSync(join(tmpdir(), 'ale-examples-'));
/** A readable file for the *_FILE variables (validate checks that tls files can be read). */
const aFile = join(dir, 'ca.crt');
writeFileSync(aFile, 'placeholder');

/** A value for every `${env:NAME}` without a default: URLs for *_ENDPOINT / *_URL, a readable file for *_FILE. */
function envFor(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = m[1]!;
    env[name] = /(_ENDPOINT|_URL)$/.test(name) ? 'https://example.com' : name.endsWith('_FILE') ? aFile : 'example-value';
  }
  return env;
}

/** A config value as the file gives it: `${env:NAME:-default}` → default, `${env:NAME}` → NAME (scheme and host stay as written). */
const literal = (value: string | undefined): string => (value ?? '').replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => fallback ?? name);

/** The daemon's default telemetry port, from the schema. */
const schema = JSON.parse(readFileSync(join(ROOT, 'config/schema.json'), 'utf8')) as { properties: { server: { properties: { listen: { default: string } } } } };
const TELEMETRY_PORT = schema.properties.server.properties.listen.default.split(':').pop()!;
const portOf = (listen: unknown): string => String(listen).split(':').pop()!;

const available = new Set(availableTypes());
const usable = (config: Obj): boolean => ((config.sources as Obj[] | undefined) ?? []).every((s) => available.has(String(s.type)));

const examples = yamlFiles(join(ROOT, 'examples'));
const configs = readdirSync(join(ROOT, 'config')).filter((f) => f.endsWith('.example.yaml')).map((f) => join(ROOT, 'config', f));

/** Every agent-log-exporter config shipped, as written: config/*.example.yaml and the manifests' ConfigMaps. */
function shippedConfigs(): { label: string; config: Obj; manifest?: Obj[] }[] {
  const list: { label: string; config: Obj; manifest?: Obj[] }[] = configs.map((f) => ({ label: relative(ROOT, f), config: parse(readFileSync(f, 'utf8')) as Obj }));
  for (const file of examples) {
    const docs = documents(file);
    for (const doc of docs.filter((d) => d.kind === 'ConfigMap')) {
      const text = (doc.data as Record<string, string>)['config.yaml'];
      if (text) list.push({ label: `${relative(ROOT, file)} ConfigMap ${String((doc.metadata as Obj).name)}`, config: parse(text) as Obj, manifest: docs });
    }
  }
  return list;
}

/** Our container in a manifest's Deployment, with its pod spec. */
function ourContainer(docs: Obj[]): { pod: Obj; container: Obj } {
  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  const pod = ((deployment.spec as Obj).template as Obj).spec as Obj;
  const all = [...((pod.initContainers as Obj[] | undefined) ?? []), ...(pod.containers as Obj[])];
  return { pod, container: all.find((c) => String(c.image).includes('agent-log-exporter'))! };
}

describe('shipped examples', () => {
  it('every example YAML parses', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const file of [...examples, join(ROOT, 'collector.example.yaml'), ...configs]) expect(documents(file).length, file).toBeGreaterThan(0);
  });

  it('the Collector example wires an OTLP receiver to Grafana Cloud, Datadog and Elastic pipelines', () => {
    const [collector] = documents(join(ROOT, 'collector.example.yaml')) as [Obj];
    const service = collector.service as { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    const defined = (section: string): Set<string> => new Set(Object.keys((collector[section] as Obj | undefined) ?? {}));
    for (const ext of service.extensions) expect(defined('extensions').has(ext), ext).toBe(true);
    const exporters = new Set<string>();
    for (const [name, p] of Object.entries(service.pipelines)) {
      expect(name.startsWith('logs')).toBe(true);
      for (const r of p.receivers) expect(defined('receivers').has(r), `${name}: ${r}`).toBe(true);
      for (const r of p.processors) expect(defined('processors').has(r), `${name}: ${r}`).toBe(true);
      for (const e of p.exporters) {
        expect(defined('exporters').has(e), `${name}: ${e}`).toBe(true);
        exporters.add(e.split('/')[0]!);
      }
    }
    expect([...exporters].sort()).toEqual(['datadog', 'elasticsearch', 'otlphttp']);
    expect((collector.exporters as Obj)['otlphttp/grafana_cloud']).toMatchObject({ auth: { authenticator: 'basicauth/grafana_cloud' } });
  });

  it('the Kubernetes manifests probe and scrape the telemetry server and reference what they define', () => {
    for (const file of examples) {
      const docs = documents(file);
      const names = (kind: string): Set<string> => new Set(docs.filter((d) => d.kind === kind).map((d) => String((d.metadata as Obj).name)));
      const deployments = docs.filter((d) => d.kind === 'Deployment');
      expect(deployments.length, file).toBeGreaterThan(0);
      for (const d of deployments) {
        const template = (d.spec as Obj).template as { metadata: { annotations: Record<string, string> }; spec: Obj };
        expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': TELEMETRY_PORT, 'prometheus.io/path': '/metrics' });
        const pod = template.spec;
        const all = [...((pod.initContainers as Obj[] | undefined) ?? []), ...(pod.containers as Obj[])];
        const ours = all.filter((c) => String(c.image).includes('agent-log-exporter'));
        expect(ours, file).toHaveLength(1);
        const c = ours[0] as { livenessProbe: { httpGet: Obj }; readinessProbe: { httpGet: Obj }; resources: { requests: Obj }; envFrom: { secretRef: { name: string } }[]; env: { name: string; value?: string }[] };
        expect(c.livenessProbe.httpGet.path).toBe('/healthz');
        expect(c.readinessProbe.httpGet.path).toBe('/readyz');
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.env.find((e) => e.name === 'AGENT_LOG_EXPORTER_CONFIG')?.value).toBe('/etc/agent-log-exporter/config.yaml');
        for (const ref of c.envFrom) expect(names('Secret').has(ref.secretRef.name), ref.secretRef.name).toBe(true);
        for (const v of pod.volumes as Obj[]) {
          const cm = (v.configMap as { name?: string } | undefined)?.name;
          if (cm) expect(names('ConfigMap').has(cm)).toBe(true);
          const pvc = (v.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName;
          if (pvc) expect(names('PersistentVolumeClaim').has(pvc)).toBe(true);
        }
      }
    }
  });

  it('every config passes the real validate (source types available in this build)', () => {
    const checked: string[] = [];
    const candidates: [string, string][] = configs.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]);
    for (const file of examples) {
      for (const doc of documents(file).filter((d) => d.kind === 'ConfigMap')) {
        const text = (doc.data as Record<string, string>)['config.yaml'];
        if (text) candidates.push([`${relative(ROOT, file)} ConfigMap ${String((doc.metadata as Obj).name)}`, text]);
      }
    }
    for (const [label, text] of candidates) {
      const parsed = parseAllDocuments(text);
      if (!usable((Array.isArray(parsed) ? parsed[0] : parsed)!.toJS() as Obj)) continue;
      const file = join(dir, `${checked.length}.yaml`);
      writeFileSync(file, text);
      const r = runCli(['validate', '--config', file], envFor(text));
      expect(r.status, `${label}: ${r.stderr}`).toBe(0);
      checked.push(label);
    }
    // The backend configs and both manifests are Foundry configs: always checked.
    for (const must of ['config/grafana-cloud.example.yaml', 'config/datadog.example.yaml', 'config/elastic.example.yaml', 'config/otel-collector.example.yaml']) {
      expect(checked).toContain(must);
    }
    expect(checked.filter((c) => c.includes('ConfigMap'))).toHaveLength(2);
  }, 60_000);

  it('a credential is only ever sent over https; in the cluster the Collector\'s CA is trusted by file', () => {
    const configs = shippedConfigs();
    for (const { label, config, manifest } of configs) {
      const exporter = (config.exporter ?? {}) as { endpoint?: string; headers?: Record<string, string>; tls?: { ca_file?: string } };
      if (Object.keys(exporter.headers ?? {}).length === 0) continue;
      expect(literal(exporter.endpoint), label).toMatch(/^https:\/\//);
      if (manifest) {
        expect(exporter.tls?.ca_file, label).toBeDefined();
        // The file the variable names is in a volume the container mounts.
        const { container } = ourContainer(manifest);
        const caFile = (container.env as { name: string; value?: string }[]).find((e) => `\${env:${e.name}}` === exporter.tls!.ca_file)?.value ?? '';
        expect(caFile, label).not.toBe('');
        expect((container.volumeMounts as { mountPath: string }[]).some((m) => caFile.startsWith(`${m.mountPath}/`)), label).toBe(true);
      }
    }
    // The Collector example's configs do send a token (otherwise this test checks nothing there).
    expect(configs.filter(({ config }) => Object.keys(((config.exporter as Obj | undefined)?.headers as Obj | undefined) ?? {}).length > 0).length).toBeGreaterThanOrEqual(6);
  });

  it('the Collector\'s OTLP receiver serves TLS and requires a bearer token', () => {
    const [collector] = documents(join(ROOT, 'collector.example.yaml')) as [Obj];
    const http = ((((collector.receivers as Obj).otlp as Obj).protocols as Obj).http ?? {}) as { tls?: { cert_file?: string; key_file?: string }; auth?: { authenticator?: string } };
    expect(http.tls?.cert_file).toBeTruthy();
    expect(http.tls?.key_file).toBeTruthy();
    const authenticator = http.auth?.authenticator ?? '';
    expect(authenticator.split('/')[0]).toBe('bearertokenauth');
    expect((collector.extensions as Obj)[authenticator]).toMatchObject({ token: '${env:OTLP_TOKEN}' });
    expect((collector.service as { extensions: string[] }).extensions).toContain(authenticator);
  });

  it('the telemetry port is the schema default everywhere, and not the Collector\'s health_check port', () => {
    const [collector] = documents(join(ROOT, 'collector.example.yaml')) as [Obj];
    const healthCheck = portOf(((collector.extensions as Obj).health_check as { endpoint: string }).endpoint);
    expect(TELEMETRY_PORT).not.toBe(healthCheck);
    for (const { label, config } of shippedConfigs()) {
      const listen = (config.server as { listen?: string } | undefined)?.listen;
      if (listen) expect(portOf(listen), label).toBe(TELEMETRY_PORT);
    }
    for (const file of examples) {
      const docs = documents(file);
      const { container } = ourContainer(docs);
      expect((container.ports as { name: string; containerPort: number }[]).find((p) => p.name === 'telemetry')?.containerPort, file).toBe(Number(TELEMETRY_PORT));
      for (const service of docs.filter((d) => d.kind === 'Service')) {
        for (const p of (service.spec as { ports: { port: number }[] }).ports) expect(p.port).toBe(Number(TELEMETRY_PORT));
      }
    }
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]).toBe(TELEMETRY_PORT);
    expect(/^\s+CMD \[.*http:\/\/127\.0\.0\.1:(\d+)\/healthz/m.exec(dockerfile)?.[1]).toBe(TELEMETRY_PORT);
  });

  it('storage.dir works for the user each example runs as', () => {
    for (const { label, config, manifest } of shippedConfigs()) {
      const dir = (config.storage as { dir?: string } | undefined)?.dir;
      if (!manifest) {
        // Run by anyone, anywhere: the default ./data or another path relative to the working
        // directory (in the image, /app/data is the state volume), never a root-owned system path.
        if (dir !== undefined) expect(dir.startsWith('/'), `${label}: storage.dir ${dir}`).toBe(false);
        continue;
      }
      // In a pod: a writable volume of the container, owned by its group (fsGroup).
      const { pod, container } = ourContainer(manifest);
      const mount = (container.volumeMounts as { mountPath: string; readOnly?: boolean }[]).find((m) => m.mountPath === dir);
      expect(mount, `${label}: storage.dir ${dir} is a mounted volume`).toBeDefined();
      expect(mount!.readOnly, label).not.toBe(true);
      const security = pod.securityContext as { runAsUser: number; fsGroup: number };
      expect(security.fsGroup, label).toBe(security.runAsUser);
    }
  });

  it('the Datadog example says the Agent\'s OTLP logs intake is off by default and how to turn it on', () => {
    const text = readFileSync(join(ROOT, 'config/datadog.example.yaml'), 'utf8');
    expect(text).toMatch(/OFF by default/);
    for (const setting of ['DD_OTLP_CONFIG_RECEIVER_PROTOCOLS_HTTP_ENDPOINT', 'DD_OTLP_CONFIG_LOGS_ENABLED=true', 'DD_LOGS_ENABLED=true', 'otlp_config.logs.enabled']) expect(text).toContain(setting);
  });
});
