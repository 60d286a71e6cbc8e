/** The Node version guard's comparison against package.json's engines range (the real-CLI run is in test/ops/production-install.test.ts). */
import { describe, expect, it } from 'vitest';
import { enginesRange, minimumOf, nodeVersionProblem } from '../../src/cli/node-version.ts';

describe('node version guard', () => {
  it('reads the >= range of package.json', () => {
    expect(enginesRange()).toMatch(/^>=\d+/);
    expect(minimumOf('>=22.19')).toEqual([22, 19, 0]);
    expect(minimumOf(' >= 22 ')).toEqual([22, 0, 0]);
    expect(minimumOf('^22.19 || >=24')).toBeUndefined();
  });

  it('refuses only a Node below the minimum, naming both', () => {
    for (const ok of ['22.19.0', '22.20.1', '23.0.0', '24.21.0', '100.0.0']) expect(nodeVersionProblem(ok, '>=22.19'), ok).toBeUndefined();
    for (const old of ['22.18.9', '20.20.2', '18.0.0', '22.9.0']) {
      expect(nodeVersionProblem(old, '>=22.19'), old).toMatch(new RegExp(`^Node\\.js ${old.replaceAll('.', '\\.')} found \\(.+\\), but agent-log-exporter needs Node\\.js >=22\\.19; `));
    }
    // A range of another form, or none, never refuses a Node.
    expect(nodeVersionProblem('20.0.0', '^22 || ^24')).toBeUndefined();
    expect(nodeVersionProblem('20.0.0', undefined)).toBeUndefined();
  });
});
