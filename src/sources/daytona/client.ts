/**
 * Daytona REST calls (PLATFORMS §3): the control-plane API (sandbox list and toolbox URL) and the
 * toolbox of one sandbox (sessions, commands, log snapshots), with the headers each needs.
 */
import { undici } from '../../util/undici.ts';
import { secretOf, type SecretValue } from '../../config/secret-value.ts';
import type { DaytonaSourceConfig } from './config.ts';
import { httpError } from '../shared/http-outcome.ts';
import { PlatformError } from '../errors.ts';
import { clip } from '../../util/clip.ts';

/** Makes the daemon keep the 3-byte markers, without the JSON snapshot an SDK version would choose (PLATFORMS §3.4). */
export const SPLIT_OUTPUT_HEADER = 'x-daytona-split-output';

export interface DaytonaCommand {
  id: string;
  command: string | undefined;
  exitCode: number | undefined;
}

export interface DaytonaSession {
  sessionId: string;
  commands: DaytonaCommand[];
}

export interface DaytonaSandbox {
  id: string;
  state: string | undefined;
  toolboxProxyUrl: string | undefined;
}

/** An answered call: the value, or the HTTP error (mapped to an outcome by the caller). */
export type HttpResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; headers: Record<string, string | string[] | undefined>; body: string };


/** The toolbox of one sandbox: `{toolboxProxyUrl}/{sandboxId}`. */
export interface Toolbox {
  sandboxId: string;
  base: string;
}

const PAGE_LIMIT = 100;
const MAX_PAGES = 10_000;

export class DaytonaClient {
  readonly #apiUrl: string;
  readonly #apiKey: SecretValue;
  readonly #organizationId: string | undefined;
  readonly #toolboxUrl: string | undefined;

  constructor(config: DaytonaSourceConfig) {
    this.#apiUrl = config.api_url.replace(/\/+$/, '');
    this.#apiKey = secretOf(config, 'api_key');
    this.#organizationId = config.organization_id ?? undefined;
    this.#toolboxUrl = config.toolbox_url?.replace(/\/+$/, '');
  }

  /** Headers of toolbox calls and of the log WebSocket. The org header is for the main API only (§3.3). */
  toolboxHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.#apiKey.current()}`, [SPLIT_OUTPUT_HEADER]: 'true' };
  }

  #apiHeaders(): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey.current()}`, accept: 'application/json' };
    if (this.#organizationId) headers['x-daytona-organization-id'] = this.#organizationId;
    return headers;
  }

  /** Every `started` sandbox whose labels contain `labels`, following `nextCursor`; a bare array (before v0.180) is one page. */
  async listSandboxes(labels: Record<string, string>, signal: AbortSignal): Promise<DaytonaSandbox[]> {
    const found = new Map<string, DaytonaSandbox>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ labels: JSON.stringify(labels), states: 'started', limit: String(PAGE_LIMIT) });
      if (cursor) query.set('cursor', cursor);
      const body = await this.#getJson(`${this.#apiUrl}/sandbox?${query.toString()}`, this.#apiHeaders(), signal, 'listing sandboxes');
      const items = Array.isArray(body) ? body : ((body as { items?: unknown } | null)?.items ?? []);
      for (const item of Array.isArray(items) ? items : []) {
        const sandbox = sandboxOf(item);
        // Older servers may ignore a filter: check both here too.
        if (sandbox && sandbox.state === 'started' && labelsMatch(item, labels)) found.set(sandbox.id, sandbox);
      }
      const next = Array.isArray(body) ? undefined : (body as { nextCursor?: unknown } | null)?.nextCursor;
      if (typeof next !== 'string' || next === '' || next === cursor) break;
      cursor = next;
    }
    return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The toolbox of a sandbox: `toolbox_url` when configured, else the sandbox's `toolboxProxyUrl`. */
  async toolbox(sandboxId: string, signal: AbortSignal, known?: string): Promise<Toolbox> {
    let proxy = this.#toolboxUrl ?? known;
    if (!proxy) {
      const id = encodeURIComponent(sandboxId);
      const sandbox = sandboxOf(await this.#getJson(`${this.#apiUrl}/sandbox/${id}`, this.#apiHeaders(), signal, `reading sandbox ${sandboxId}`));
      proxy = sandbox?.toolboxProxyUrl;
      if (!proxy) {
        const answer = (await this.#getJson(`${this.#apiUrl}/sandbox/${id}/toolbox-proxy-url`, this.#apiHeaders(), signal, `reading the toolbox URL of sandbox ${sandboxId}`)) as { url?: unknown } | null;
        if (typeof answer?.url !== 'string') throw new PlatformError(`sandbox ${sandboxId} has no toolbox proxy URL`);
        proxy = answer.url;
      }
    }
    return { sandboxId, base: `${proxy.replace(/\/+$/, '')}/${encodeURIComponent(sandboxId)}` };
  }

  /** Sessions and their commands, sorted (the daemon lists them in map order). The entrypoint is not among them. */
  async listSessions(toolbox: Toolbox, signal: AbortSignal): Promise<DaytonaSession[]> {
    const body = await this.#getJson(`${toolbox.base}/process/session`, this.toolboxHeaders(), signal, `listing sessions of sandbox ${toolbox.sandboxId}`);
    return (Array.isArray(body) ? body : []).map(sessionOf).filter((s) => s !== undefined).sort((a, b) => a.sessionId.localeCompare(b.sessionId));
  }

  getSession(toolbox: Toolbox, sessionId: string, signal: AbortSignal): Promise<HttpResult<DaytonaSession | undefined>> {
    return this.#get(`${toolbox.base}/process/session/${encodeURIComponent(sessionId)}`, signal, sessionOf);
  }

  /** The entrypoint session (404 when the sandbox has no entrypoint command). */
  getEntrypoint(toolbox: Toolbox, signal: AbortSignal): Promise<HttpResult<DaytonaSession | undefined>> {
    return this.#get(`${toolbox.base}/process/session/entrypoint`, signal, sessionOf);
  }

  getCommand(toolbox: Toolbox, sessionId: string, commandId: string, signal: AbortSignal): Promise<HttpResult<DaytonaCommand | undefined>> {
    return this.#get(`${toolbox.base}/process/session/${encodeURIComponent(sessionId)}/command/${encodeURIComponent(commandId)}`, signal, commandOf);
  }

  /**
   * The whole log as it is now, raw with markers (split header, no SDK version), handed to `onChunk`
   * as it arrives: a log can be far larger than what should sit in memory. Resolves to its length.
   */
  async snapshot(logsPath: string, toolbox: Toolbox, signal: AbortSignal, onChunk: (bytes: Uint8Array) => Promise<void> | void): Promise<HttpResult<number>> {
    const response = await (await undici()).request(`${toolbox.base}${logsPath}`, { headers: this.toolboxHeaders(), signal });
    if (response.statusCode !== 200) return { ok: false, status: response.statusCode, headers: response.headers, body: clip(await response.body.text(), 2000) };
    let length = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      length += chunk.length;
      await onChunk(chunk);
    }
    return { ok: true, value: length };
  }

  /** `ws(s)://…/logs?follow=true` for a logs path under the toolbox. */
  followUrl(logsPath: string, toolbox: Toolbox): string {
    return `${toolbox.base.replace(/^http/, 'ws')}${logsPath}?follow=true`;
  }

  async #get<T>(url: string, signal: AbortSignal, read: (body: unknown) => T): Promise<HttpResult<T>> {
    const response = await (await undici()).request(url, { headers: { ...this.toolboxHeaders(), accept: 'application/json' }, signal });
    const text = await response.body.text();
    if (response.statusCode !== 200) return { ok: false, status: response.statusCode, headers: response.headers, body: clip(text, 2000) };
    return { ok: true, value: read(parseJson(text)) };
  }

  async #getJson(url: string, headers: Record<string, string>, signal: AbortSignal, what: string): Promise<unknown> {
    const response = await (await undici()).request(url, { headers, signal });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw httpError(what, response.statusCode, response.headers, text);
    const body = parseJson(text);
    if (body === undefined) throw new PlatformError(`${what}: the answer is not JSON`);
    return body;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sandboxOf(item: unknown): DaytonaSandbox | undefined {
  const s = item as { id?: unknown; state?: unknown; toolboxProxyUrl?: unknown } | null;
  if (!s || typeof s.id !== 'string' || s.id === '') return undefined;
  return {
    id: s.id,
    state: typeof s.state === 'string' ? s.state : undefined,
    toolboxProxyUrl: typeof s.toolboxProxyUrl === 'string' && s.toolboxProxyUrl !== '' ? s.toolboxProxyUrl : undefined,
  };
}

function labelsMatch(item: unknown, wanted: Record<string, string>): boolean {
  const labels = (item as { labels?: unknown }).labels;
  const have = labels && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
  return Object.entries(wanted).every(([k, v]) => have[k] === v);
}

function commandOf(item: unknown): DaytonaCommand | undefined {
  const c = item as { id?: unknown; command?: unknown; exitCode?: unknown } | null;
  if (!c || typeof c.id !== 'string' || c.id === '') return undefined;
  return {
    id: c.id,
    command: typeof c.command === 'string' ? c.command : undefined,
    exitCode: typeof c.exitCode === 'number' && Number.isInteger(c.exitCode) ? c.exitCode : undefined,
  };
}

function sessionOf(item: unknown): DaytonaSession | undefined {
  const s = item as { sessionId?: unknown; commands?: unknown } | null;
  if (!s || typeof s.sessionId !== 'string' || s.sessionId === '') return undefined;
  const commands = (Array.isArray(s.commands) ? s.commands : []).map(commandOf).filter((c) => c !== undefined);
  return { sessionId: s.sessionId, commands: commands.sort((a, b) => a.id.localeCompare(b.id)) };
}
