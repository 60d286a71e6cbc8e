import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/config/redact.ts';
import { errorDetail } from '../../src/export/classify.ts';
import { summarize } from '../../src/sources/shared/http-outcome.ts';
import { clip } from '../../src/util/clip.ts';

const SECRET = 'sk-live-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('clip', () => {
  it('keeps short text and cuts long text at the limit between words', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('aaaa bbbb cccc', 5)).toBe('aaaa ');
  });

  it('never cuts a token in half, so a secret straddling the cut is still scrubbed whole', () => {
    const text = `${'word '.repeat(59)}key=${SECRET} and more`;
    const cut = clip(text, 300);
    expect(cut.endsWith(SECRET)).toBe(true);
    expect(redactText(cut, [SECRET])).not.toContain(SECRET.slice(0, 8));
  });

  it('error details of an endpoint and of a platform keep a straddling secret whole', () => {
    // The secrets start 2 characters before each cut (500 for an endpoint, 300 for a platform).
    const endpointBody = `${'x'.repeat(490)} bearer ${SECRET} rest`;
    const platformBody = `${'y '.repeat(146)}bearer ${SECRET} rest`;
    for (const detail of [errorDetail(new TextEncoder().encode(endpointBody), 'text/plain'), summarize(platformBody)]) {
      expect(redactText(detail, [SECRET])).not.toContain(SECRET.slice(0, 8));
    }
  });
});
