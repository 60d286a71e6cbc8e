import { describe, expect, it } from 'vitest';
import { detectSeverity } from '../../src/mapping/severity.ts';

describe('severity detection from text', () => {
  const cases: [string, string | undefined][] = [
    ['INFO: Application startup complete.', 'INFO'],
    ['INFO:     Uvicorn running on http://0.0.0.0:8088', 'INFO'],
    ['[WARN] disk almost full', 'WARN'],
    ['ERROR - connection refused', 'ERROR'],
    ['WARNING:root:deprecated call', 'WARNING'],
    ['2026-03-10 09:33:17,121 CRITICAL worker died', undefined],
    ['2026-03-10 09:33:17,121 [ERROR] worker died', 'ERROR'],
    ['ts=2026-03-10 level=warn msg="slow"', 'WARN'],
    ['{"level":"debug","msg":"x"}', 'DEBUG'],
    ['{"levelname":"ERROR","message":"x"}', 'ERROR'],
    ['{"severity":"fatal"}', 'FATAL'],
    ['Traceback (most recent call last):', 'ERROR'],
    ['Error handling request', undefined],
    ['Starting FoundryCBAgent server on port 8088', undefined],
    ['information is power', undefined],
  ];
  for (const [text, level] of cases) {
    it(`${JSON.stringify(text)} → ${level ?? 'none'}`, () => {
      expect(detectSeverity(text)?.text).toBe(level);
    });
  }
});
