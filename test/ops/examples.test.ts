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
import { parseAllDocuments } from 'yaml';
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

/** A value for every `${env:NAME}` without a default: URLs for *_ENDPOINT / *_URL. */
function envFor(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    env[m[1]!] = /(_ENDPOINT|_URL)$/.test(m[1]!) ? 'https://example.com' : 'example-value';
  }
  return env;
}

const available = new Set(availableTypes());
const usable = (config: Obj): boolean => ((config.sources as Obj[] | undefined) ?? []).every((s) => available.has(String(s.type)));

const examples = yamlFiles(join(ROOT, 'examples'));
const configs = readdirSync(join(ROOT, 'config')).filter((f) => f.endsWith('.example.yaml')).map((f) => join(ROOT, 'config', f));
const dir = mkdtempSync(join(tmpdir(), 'ale-examples-'));

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
        expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '13133', 'prometheus.io/path': '/metrics' });
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
});
