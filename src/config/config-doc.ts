// docs/CONFIG.md, generated from the same zod schema that validates configs (through its JSON
// Schema) and from the platform descriptors, so the reference can never disagree with
// `agent-log-exporter validate`. `npm run schema` writes it; a test fails when it is stale.
import { z } from 'zod';
import type { PlatformDescriptor } from '../sources/platform.ts';
import { PLATFORMS } from '../sources/registry.ts';
import { configSchema } from './schema.ts';
import { fieldPatterns } from './schema-walk.ts';
import { COMMON_KEYS } from './source-keys.ts';

/** The parts of a JSON Schema node the reference reads. */
export interface JsonNode {
  type?: string | string[];
  format?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonNode>;
  required?: string[];
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
  items?: JsonNode;
  additionalProperties?: JsonNode | boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
}

export interface KeyRow {
  key: string;
  type: string;
  default: string;
  example: string;
  description: string;
}

/** The keys every source has; documented once, not per platform. */
const COMMON_SOURCE_KEYS: ReadonlySet<string> = new Set(['type', ...COMMON_KEYS]);

/** A value as it is written in YAML flow style. */
export function yamlValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' || /^[\s{[]|[:#,]\s|\s$/.test(value) ? JSON.stringify(value) : value;
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${yamlValue(v)}`).join(', ')}}`;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value) ?? '';
}

function typeOf(node: JsonNode): string {
  if (node.format === 'duration') return 'duration';
  if (node.format === 'size') return 'size';
  if (node.format === 'uri') return 'URL';
  if (node.const !== undefined) return yamlValue(node.const);
  if (node.enum) {
    const seen = new Set<string>();
    const values = node.enum.map(String).filter((v) => !seen.has(v.toUpperCase()) && seen.add(v.toUpperCase()));
    return `one of ${values.join(', ')}`;
  }
  const options = node.oneOf ?? node.anyOf;
  if (options) return options.map(typeOf).join(' or ');
  const types = Array.isArray(node.type) ? node.type : [node.type ?? 'any'];
  return types
    .map((t) => {
      if (t === 'integer') {
        if (node.minimum !== undefined && node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) return `integer ${node.minimum}–${node.maximum}`;
        return node.minimum !== undefined ? `integer ≥ ${node.minimum}` : 'integer';
      }
      if (t === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
      if (t === 'object') {
        const values = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
        return values && !node.properties ? `mapping of string to ${typeOf(values)}` : 'mapping';
      }
      return t === 'null' ? 'null' : t;
    })
    .join(' or ');
}

/** Examples of a unit kind, for keys that give none (a per-source override of a top-level default). */
const UNIT_EXAMPLES: Record<string, string> = { duration: '5s', size: '1MiB' };

function exampleOf(node: JsonNode): unknown {
  if (node.examples?.[0] !== undefined) return node.examples[0];
  if (node.default !== undefined && node.default !== null && !(typeof node.default === 'object' && Object.keys(node.default).length === 0)) return node.default;
  if (node.enum?.[0] !== undefined) return node.enum[0];
  if (node.const !== undefined) return node.const;
  if (node.format !== undefined && UNIT_EXAMPLES[node.format] !== undefined) return UNIT_EXAMPLES[node.format];
  // A union (`auto`, `none` or a mapping; a level or null): the first option that has one.
  for (const option of node.anyOf ?? node.oneOf ?? []) {
    const example = option.type === 'null' ? undefined : exampleOf(option);
    if (example !== undefined) return example;
  }
  return undefined;
}

/** A discriminated union of objects (`auth`): options told apart by a `type` const. */
function variantsOf(node: JsonNode): JsonNode[] | undefined {
  const options = node.oneOf ?? node.anyOf;
  if (!options || options.length === 0) return undefined;
  return options.every((o) => o.properties?.type?.const !== undefined) ? options : undefined;
}

/** Rows for every key under `node`, depth first; `when` names the variant a key belongs to. */
export function keyRows(node: JsonNode, prefix = '', when = '', skip: ReadonlySet<string> = new Set()): KeyRow[] {
  const rows: KeyRow[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (skip.has(name)) continue;
    if (when && name === 'type') continue;
    const key = `${prefix}${name}`;
    const required = node.required?.includes(name) === true && child.default === undefined;
    const variants = variantsOf(child);
    const example = exampleOf(child);
    rows.push({
      key,
      type: variants ? `mapping, by type: ${variants.map((v) => yamlValue(v.properties?.type?.const)).join(', ')}` : typeOf(child),
      default: child.default !== undefined ? yamlValue(child.default) : required ? 'required' : '—',
      example: example !== undefined ? yamlValue(example) : child.properties || variants ? '(keys below)' : '',
      description: `${when}${child.description ?? ''}`,
    });
    if (variants) {
      for (const v of variants) {
        const type = yamlValue(v.properties?.type?.const);
        rows.push({ key: `${key}.type: ${type}`, type: 'mapping', default: '—', example: `{type: ${type}}`, description: v.description ?? '' });
        rows.push(...keyRows(v, `${key}.`, `(type ${type}) `));
      }
    } else if (child.properties) {
      rows.push(...keyRows(child, `${key}.`, when));
    }
  }
  return rows;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string): string => (['', '—', 'required', '(keys below)'].includes(text) ? text : `\`${text}\``);

function table(rows: KeyRow[]): string[] {
  return [
    '| key | type | default | example | description |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${cell(r.key)}\` | ${cell(r.type)} | ${cell(code(r.default))} | ${cell(code(r.example))} | ${cell(r.description)} |`),
  ];
}

/** The config's JSON Schema, input side (what a user writes). */
export function configJson(): JsonNode {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as JsonNode;
}

function platformJson(platform: PlatformDescriptor): JsonNode {
  return z.toJSONSchema(platform.config, { io: 'input', target: 'draft-2020-12' }) as JsonNode;
}

function platformSection(platform: PlatformDescriptor, rows: KeyRow[]): string[] {
  const secrets = fieldPatterns(platform.config, (info) => info.secret === true).map((p) => `\`${p.join('.')}\` (or \`${p.join('.')}_file\`)`);
  const { keys, prefixes } = platform.recordAttributes;
  return [
    `## \`type: ${platform.type}\` — ${platform.title}`,
    '',
    `${platform.summary[0]?.toUpperCase() ?? ''}${platform.summary.slice(1)}.`,
    '',
    ...table(rows),
    '',
    `Secrets: ${secrets.join(', ')} — never logged; exactly one of the value and the file.`,
    `Record attributes it sets (refused in \`attributes:\`): ${[...keys.map((k) => `\`${k}\``), ...prefixes.map((p) => `\`${p}*\``)].join(', ')}.`,
    `A (re)connect replays ${platform.replay} (where \`tail\` starts).`,
    '',
  ];
}

const only = (node: JsonNode, keep: (key: string) => boolean): JsonNode => ({
  ...node,
  properties: Object.fromEntries(Object.entries(node.properties ?? {}).filter(([k]) => keep(k))),
});

/** The rows of the reference: top level, keys of every source, then each platform's own keys. */
export function referenceRows(): { top: KeyRow[]; common: KeyRow[]; platforms: KeyRow[][] } {
  const first = PLATFORMS[0] as PlatformDescriptor;
  const common = keyRows(only(platformJson(first), (k) => COMMON_SOURCE_KEYS.has(k)));
  for (const row of common) {
    if (row.key !== 'type') continue;
    row.type = `one of ${PLATFORMS.map((p) => p.type).join(', ')}`;
    row.example = first.type;
    row.description = 'The platform: one of the sections below.';
  }
  return {
    top: keyRows(only(configJson(), (k) => k !== 'sources')),
    common,
    platforms: PLATFORMS.map((p) => keyRows(platformJson(p as PlatformDescriptor), '', '', COMMON_SOURCE_KEYS)),
  };
}

/** The whole reference, deterministic: the same schema always gives the same bytes. */
export function configReferenceText(): string {
  const root = configJson();
  const rows = referenceRows();
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run schema` from the zod schema (src/config/, src/sources/<platform>/config.ts). Do not edit: a test fails when this file is stale. -->',
    '',
    'One YAML file (`--config FILE`, else `$AGENT_LOG_EXPORTER_CONFIG`, else `./agent-log-exporter.yaml`).',
    '`agent-log-exporter validate` checks it and reports every problem at once as `FILE:LINE:COL  path  message  (hint)`;',
    '`config/schema.json` is the same schema for editor completion',
    '(`# yaml-language-server: $schema=./config/schema.json` at the top of the file).',
    '',
    '- Values may use `${env:NAME}` and `${env:NAME:-default}`; `$${` is a literal `${`. An unset variable without a default is a problem.',
    '- Durations: `500ms`, `10s`, `1.5s`, `5m`, `1h`, `1h30m`. Sizes: `512KiB`, `4MiB`, `1GiB`, `10KB`, or an integer (bytes).',
    '- Secrets (tokens, API keys, client secrets, exporter header values) are never logged, nor shown by `/readyz`, `/metrics` or `validate`.',
    '  Each secret key `K` may instead be given as `K_file: /path`: the file is read at start (a missing or empty file is a config problem),',
    '  one trailing newline is dropped, and it is read again whenever it changes — a mounted Kubernetes Secret or a projected',
    '  service-account token rotates without a restart. Exactly one of `K` and `K_file`.',
    '',
    '## Top level',
    '',
    ...table(rows.top),
    '',
    '## `sources[]` — keys of every source',
    '',
    `${root.properties?.sources?.description ?? ''} Platforms: ${PLATFORMS.map((p) => `\`${p.type}\` (${p.title})`).join(', ')}.`,
    '',
    ...table(rows.common),
    '',
    ...PLATFORMS.flatMap((p, i) => platformSection(p as PlatformDescriptor, rows.platforms[i] ?? [])),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
