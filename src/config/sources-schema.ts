// The `sources:` entries of DESIGN §2-3: keys shared by every source, the four platform shapes,
// and the rules that tie keys of one source together.
import { z } from 'zod';
import { attributes, duration, fieldInfo, httpUrl, identifier, level, secret, text, whenArray, whenObject } from './fields.ts';

export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const sourceName = z.string().regex(SOURCE_NAME, { error: (iss) => `"${String(iss.input)}" is not a valid source name` });
fieldInfo.add(sourceName, { hint: 'lowercase letters, digits, "_" and "-", starting with a letter or digit, at most 63 characters' });

/** A field type with a hint of its own, for keys whose meaning the generic hint does not carry. */
function described<T extends z.ZodType>(schema: T, description: string, hint: string): T {
  const copy = schema.describe(description);
  fieldInfo.add(copy, { hint });
  return copy;
}

const severity = z
  .strictObject({
    stdout: level().prefault('INFO'),
    stderr: level().prefault('ERROR'),
    detect: z.boolean().default(true),
  })
  .prefault({});

/**
 * Record attribute keys the platforms set themselves (DESIGN §4.4). A source attribute may never
 * take their place, not even on records where the platform left them out (a status line has no
 * log.iostream, and must not get one from the config).
 */
export const RESERVED_ATTRIBUTE = /^(log\.iostream|event\.name|process\.exit\.code|k8s\.container\.name|(agent_log_exporter|foundry|hill90|daytona|agentbox|gen_ai)\..+)$/;

const recordAttributes = () =>
  attributes().superRefine((attrs, ctx) => {
    for (const key of Object.keys(attrs)) {
      if (RESERVED_ATTRIBUTE.test(key)) {
        ctx.addIssue({
          code: 'custom', path: [key], message: `"${key}" is set by the platform mapping and cannot be a source attribute`,
          params: { hint: 'choose a key of your own, e.g. team or app.component; platform identity belongs in resource attributes' },
        });
      }
    }
  });

/** Keys every source type has. */
const common = {
  name: sourceName,
  service_name: text().optional().meta({ description: 'Resource service.name of this source (default: the resource service.name from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES / resource, else name).' }),
  attributes: recordAttributes(),
  severity,
};

const bearer = z.strictObject({ type: z.literal('bearer'), token: secret() });
const azure = z.strictObject({ type: z.literal('azure') });
const oidc = z.strictObject({
  type: z.literal('oidc'),
  token_url: httpUrl,
  client_id: text(),
  client_secret: secret(),
  scope: text().optional(),
});

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

const foundry = z
  .strictObject({
    type: z.literal('foundry'),
    ...common,
    endpoint: described(httpUrl, 'Project endpoint.', 'the project endpoint, https://<resource>.services.ai.azure.com/api/projects/<project>'),
    agent: described(identifier(), 'Agent name; alone, every session of the agent is followed.', 'the hosted agent name; with only agent, every session of the agent is followed'),
    version: identifier().optional(),
    session: identifier().optional(),
    api_version: text().default('v1'),
    auth: z.discriminatedUnion('type', [azure, bearer]).prefault({ type: 'azure' }),
    drop_heartbeats: z.boolean().default(true),
    discover_interval: duration('30s'),
    user_isolation_key: text().optional(),
  })
  .superRefine((s, ctx) => {
    if (isSet(s.session) && !isSet(s.version)) {
      ctx.addIssue({
        code: 'custom', path: ['session'], message: 'session requires version',
        params: { hint: 'add the agent version that runs the session, or remove session to follow every session of the agent' },
      });
    }
  }, whenObject);

const hill90Auth = z.discriminatedUnion('type', [bearer, oidc]);
fieldInfo.add(hill90Auth, { hint: 'auth: {type: bearer, token: ${env:HILL90_TOKEN}}, or {type: oidc, token_url, client_id, client_secret}' });

const hill90 = z.strictObject({
  type: z.literal('hill90'),
  ...common,
  endpoint: httpUrl.default('https://api.hill90.com'),
  auth: hill90Auth,
  agent_id: identifier().optional(),
  tail: z.int().min(0).max(5000).default(100),
  discover_interval: duration('30s'),
});

const daytona = z
  .strictObject({
    type: z.literal('daytona'),
    ...common,
    api_url: httpUrl.default('https://app.daytona.io/api'),
    api_key: secret(),
    organization_id: identifier().optional(),
    sandbox: identifier().optional(),
    sandbox_labels: z.record(z.string(), z.string()).optional(),
    session: identifier().optional(),
    command: identifier().optional(),
    entrypoint: z.boolean().default(true),
    toolbox_url: httpUrl.optional(),
    discover_interval: duration('30s'),
  })
  .superRefine((s, ctx) => {
    const choose = 'set sandbox to follow one sandbox, or sandbox_labels to discover matching ones; sandbox_labels: {} matches all';
    if (isSet(s.sandbox) && isSet(s.sandbox_labels)) {
      ctx.addIssue({ code: 'custom', path: ['sandbox_labels'], message: 'sandbox and sandbox_labels exclude each other', params: { hint: choose } });
    } else if (!isSet(s.sandbox) && !isSet(s.sandbox_labels)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a daytona source needs sandbox or sandbox_labels', params: { hint: choose } });
    }
    if (isSet(s.session) && !isSet(s.sandbox)) {
      ctx.addIssue({ code: 'custom', path: ['session'], message: 'session requires sandbox', params: { hint: 'a session id is only meaningful within one sandbox' } });
    }
    if (isSet(s.command) && !isSet(s.session)) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'command requires session', params: { hint: 'add the session the command runs in' } });
    }
  }, whenObject);

const agentbox = z
  .strictObject({
    type: z.literal('agentbox'),
    ...common,
    endpoint: described(httpUrl, 'AgentBox gateway URL (the API is under /v1).', 'the AgentBox gateway URL, e.g. https://agentbox.example.com; the API is under /v1'),
    api_key: secret(),
    sandbox: identifier().optional(),
    pool: identifier().optional(),
    container: identifier().optional(),
    runtime: identifier().optional(),
    poll_interval: duration('5s'),
    lines: described(
      z.int().min(1).max(10_000).default(1000),
      'Lines asked for per container and poll (the window).',
      'from 1 to 10000: the AgentBox API returns at most the last 10000 lines of a container',
    ),
    follow: z.boolean().default(false),
    discover_interval: duration('30s'),
  })
  .superRefine((s, ctx) => {
    if (isSet(s.container) && !isSet(s.sandbox)) {
      ctx.addIssue({ code: 'custom', path: ['container'], message: 'container requires sandbox', params: { hint: 'add the sandbox the container belongs to, or remove container to follow every container' } });
    }
    if (isSet(s.pool) && isSet(s.sandbox)) {
      ctx.addIssue({ code: 'custom', path: ['pool'], message: 'pool only applies when sandbox is omitted', params: { hint: 'remove pool, or remove sandbox to discover the running sandboxes of the pool' } });
    }
  }, whenObject);

export const SOURCE_TYPES = ['foundry', 'hill90', 'daytona', 'agentbox'] as const;

/**
 * One source. `service_name` stays unset when not written: the mapper then takes the resource's
 * service.name (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, `resource:`), else the source name.
 */
export const sourceSchema = z.discriminatedUnion('type', [foundry, hill90, daytona, agentbox]);

/** The list of sources: at least one, names unique (they key checkpoints and metrics). */
export const sourcesSchema = z
  .array(sourceSchema)
  .min(1)
  .superRefine((sources, ctx) => {
    const seen = new Map<string, number>();
    sources.forEach((s: unknown, i) => {
      const name = typeof s === 'object' && s !== null ? (s as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') return;
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, i);
        return;
      }
      ctx.addIssue({
        code: 'custom', path: [i, 'name'], message: `duplicate source name "${name}" (first used by sources[${first}])`,
        params: { hint: 'source names must be unique: they key checkpoints and metrics' },
      });
    });
  }, whenArray);
fieldInfo.add(sourcesSchema, { hint: 'add at least one source, e.g. sources: [{name: my-agent, type: foundry, endpoint: https://RESOURCE.services.ai.azure.com/api/projects/PROJECT, agent: my-agent, auth: {type: bearer, token: ${env:FOUNDRY_TOKEN}}}]' });
