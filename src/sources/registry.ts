/**
 * The one table of platforms. A new platform is a folder under src/sources/ plus one
 * entry here; `create` is the only place a source starts doing I/O.
 */
import type { SourceConfig } from '../config/schema.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Events } from '../telemetry/events.ts';
import type { Source } from './types.ts';
import { createFoundrySource } from './foundry/index.ts';
import { createAgentboxSource } from './agentbox/index.ts';
import { createDaytonaSource } from './daytona/index.ts';
import { createHill90Source } from './hill90/index.ts';
import { SourceUnavailableError } from './errors.ts';

export interface SourceDeps {
  logger: Logger;
  events: Events;
}

type Factory<T extends SourceConfig['type']> = (config: Extract<SourceConfig, { type: T }>, deps: SourceDeps) => Source;

const FACTORIES: { [T in SourceConfig['type']]: Factory<T> } = {
  foundry: createFoundrySource,
  hill90: createHill90Source,
  daytona: createDaytonaSource,
  agentbox: createAgentboxSource,
};

export { SourceUnavailableError };

export function availableTypes(): string[] {
  return Object.keys(FACTORIES);
}

/**
 * Create a platform's source. A factory throws SourceUnavailableError for a config it cannot
 * serve (the CLI reports it as a config problem, exit 2); nothing here does I/O yet.
 */
export function createSource(config: SourceConfig, deps: SourceDeps): Source {
  const factory = FACTORIES[config.type];
  return factory(config as never, deps);
}
