import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { sourceMapping } from '../../src/mapping/mapper.ts';

function mappingOf(sourceExtra: string, env: Record<string, string> = {}, top = '') {
  const result = parseConfigText(
    `sources:\n  - name: support\n    type: foundry\n    endpoint: http://127.0.0.1:1/api/projects/p\n    agent: a\n    auth: {type: bearer, token: t0ken}\n${sourceExtra}${top}`,
    'test.yaml',
    env,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return sourceMapping(result.config.sources[0]!, result.config.resource);
}

describe('service.name of a source', () => {
  it('is the source name by default', () => {
    expect(mappingOf('').serviceName).toBe('support');
  });
  it('follows OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and resource: when the source sets none', () => {
    expect(mappingOf('', { OTEL_SERVICE_NAME: 'from-env' }).serviceName).toBe('from-env');
    expect(mappingOf('', { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).serviceName).toBe('from-attrs');
    expect(mappingOf('', { OTEL_SERVICE_NAME: 'from-env' }, 'resource: {service.name: from-file}\n').serviceName).toBe('from-file');
  });
  it('is the source service_name when written, whatever the environment says', () => {
    expect(mappingOf('    service_name: explicit\n', { OTEL_SERVICE_NAME: 'from-env' }).serviceName).toBe('explicit');
  });
});
