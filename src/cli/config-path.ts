/** The config path: --config, else $AGENT_LOG_EXPORTER_CONFIG, else ./agent-log-exporter.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.AGENT_LOG_EXPORTER_CONFIG ?? './agent-log-exporter.yaml';
}
