import { describe, it, expect } from 'vitest';
import { closest, editDistance } from '../../src/config/did-you-mean.ts';

describe('did-you-mean', () => {
  it('measures edits, with a swap of neighbours as one', () => {
    expect(editDistance('endpont', 'endpoint')).toBe(1);
    expect(editDistance('tial', 'tail')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only plausible typos, ignoring case and -/_', () => {
    const keys = ['endpoint', 'api_key', 'tail', 'sandbox_labels', 'poll_interval'];
    expect(closest('endpont', keys)).toBe('endpoint');
    expect(closest('apiKey', keys)).toBe('api_key');
    expect(closest('api-key', keys)).toBe('api_key');
    expect(closest('tial', keys)).toBe('tail');
    expect(closest('sandboxlabels', keys)).toBe('sandbox_labels');
    expect(closest('interval', keys)).toBe(undefined);
  });
});
