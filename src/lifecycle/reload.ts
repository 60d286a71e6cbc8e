/**
 * SIGHUP reload (DESIGN §5): re-read the config file; start added sources, stop removed ones
 * (their checkpoints stay, so adding one back resumes where it stopped), restart changed ones,
 * leave unchanged ones running untouched. A new config that does not validate is logged with
 * every problem (secrets never quoted) and the running one stays.
 *
 * What a reload cannot change in place: `exporter`, `storage` and `server` are the delivery
 * path and its state (swapping them under in-flight batches would break the ordering and
 * checkpoint guarantees), and `log.format` is the shape of the output stream. Changes there are
 * logged as needing a restart and the previous values stay in force. `log.level` and
 * `shutdown_timeout` apply at once; a `resource` change restarts every source (it is part of
 * every stream's identity on the wire).
 */
import { collectSecretValues } from '../config/redact.ts';
import { formatIssue } from '../config/issues.ts';
import { loadConfig, type LoadOptions } from '../config/load.ts';
import type { Config, SourceConfig } from '../config/schema.ts';
import type { Events } from '../telemetry/events.ts';
import type { Logger, SecretList } from '../telemetry/logger.ts';
import type { Daemon } from './daemon.ts';

export interface ReloadPlan {
  added: SourceConfig[];
  removed: string[];
  /** The new configs of sources whose config (or the top-level resource) changed. */
  changed: SourceConfig[];
  unchanged: string[];
  /** Top-level keys that changed but take effect only after a restart. */
  restartKeys: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Compare the running config with a new one; pure. */
export function planReload(current: Config, running: ReadonlyMap<string, SourceConfig>, next: Config): ReloadPlan {
  const resourceChanged = !same(current.resource, next.resource);
  const nextNames = new Set(next.sources.map((s) => s.name));
  const plan: ReloadPlan = { added: [], removed: [...running.keys()].filter((n) => !nextNames.has(n)), changed: [], unchanged: [], restartKeys: [] };
  for (const source of next.sources) {
    const old = running.get(source.name);
    if (!old) plan.added.push(source);
    else if (resourceChanged || !same(old, source)) plan.changed.push(source);
    else plan.unchanged.push(source.name);
  }
  for (const key of ['exporter', 'storage', 'server'] as const) if (!same(current[key], next[key])) plan.restartKeys.push(key);
  if (current.log.format !== next.log.format) plan.restartKeys.push('log.format');
  return plan;
}

/** What runs after applying `plan`: the new sources and live settings, the old delivery path. */
export function effectiveConfig(current: Config, next: Config): Config {
  return {
    ...next,
    exporter: current.exporter,
    storage: current.storage,
    server: current.server,
    log: { ...next.log, format: current.log.format },
  };
}

export interface ReloaderOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  /** The running config. */
  config: Config;
  daemon: Daemon;
  logger: Logger;
  events: Events;
  /** The logger's secret list: a new config's secrets are added before anything about it is logged. */
  secrets: SecretList;
  /** Checks beyond the schema (the same preflight `run` uses). */
  check?: LoadOptions['check'];
}

export interface Reloader {
  /** The config in force (after every reload applied so far). */
  current(): Config;
  /** Reload now; reloads asked for while one runs are merged into one more. Never rejects. */
  reload(): Promise<void>;
}

export function createReloader(options: ReloaderOptions): Reloader {
  const { daemon, logger, events } = options;
  let current = options.config;
  let running: Promise<void> | undefined;
  let again = false;

  async function reloadOnce(): Promise<void> {
    events.configReloading(options.configPath);
    const result = loadConfig(options.configPath, options.env, { check: options.check });
    if (!result.ok) {
      events.configReloadFailed(`${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} in ${options.configPath}`, result.issues.map(formatIssue));
      return;
    }
    const next = result.config;
    options.secrets.add(collectSecretValues(next));
    const plan = planReload(current, daemon.sourceConfigs(), next);
    let applied: boolean;
    try {
      applied = await daemon.applySources({
        stop: [...plan.removed, ...plan.changed.map((s) => s.name)],
        start: [...plan.added, ...plan.changed],
        resource: next.resource,
      });
    } catch (error) {
      events.configReloadFailed((error as Error).message);
      return;
    }
    if (!applied) {
      events.configReloadAbandoned();
      return;
    }
    current = effectiveConfig(current, next);
    logger.level = current.log.level;
    if (plan.restartKeys.length > 0) events.configNeedsRestart(plan.restartKeys);
    events.configReloaded({
      added: plan.added.map((s) => s.name),
      removed: plan.removed,
      restarted: plan.changed.map((s) => s.name),
      unchanged: plan.unchanged.length,
    });
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        await reloadOnce();
      } catch (error) {
        events.configReloadFailed((error as Error).message);
      }
    } while (again);
    running = undefined;
  }

  return {
    current: () => current,
    reload() {
      if (running) {
        again = true;
        return running;
      }
      running = loop();
      return running;
    },
  };
}
