import { describe, expect, it } from 'vitest';
import { detectSeverity } from '../../src/mapping/severity.ts';

// The OpenTelemetry log data model's SeverityNumber ranges, written out here rather than read
// from our own table: TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21.
const TRACE = 1;
const DEBUG = 5;
const INFO = 9;
const WARN = 13;
const ERROR = 17;
const FATAL = 21;

describe('severity detection from text', () => {
  const cases: [string, { text: string; number: number } | undefined][] = [
    ['INFO: Application startup complete.', { text: 'INFO', number: INFO }],
    ['INFO:     Uvicorn running on http://0.0.0.0:8088', { text: 'INFO', number: INFO }],
    ['[WARN] disk almost full', { text: 'WARN', number: WARN }],
    ['ERROR - connection refused', { text: 'ERROR', number: ERROR }],
    ['WARNING:root:deprecated call', { text: 'WARNING', number: WARN }],
    ['2026-03-10 09:33:17,121 CRITICAL worker died', undefined],
    ['2026-03-10 09:33:17,121 [ERROR] worker died', { text: 'ERROR', number: ERROR }],
    ['2026-03-10 09:33:17,121 [CRITICAL] worker died', { text: 'CRITICAL', number: FATAL }],
    ['ts=2026-03-10 level=warn msg="slow"', { text: 'WARN', number: WARN }],
    ['ts=2026-03-10 level=trace msg="tick"', { text: 'TRACE', number: TRACE }],
    ['{"level":"debug","msg":"x"}', { text: 'DEBUG', number: DEBUG }],
    ['{"levelname":"ERROR","message":"x"}', { text: 'ERROR', number: ERROR }],
    ['{"severity":"fatal"}', { text: 'FATAL', number: FATAL }],
    ['{"level":"notice"}', { text: 'NOTICE', number: INFO }],
    ['Traceback (most recent call last):', { text: 'ERROR', number: ERROR }],
    ['Error handling request', undefined],
    ['Starting FoundryCBAgent server on port 8088', undefined],
    ['information is power', undefined],
  ];
  for (const [text, severity] of cases) {
    it(`${JSON.stringify(text)} → ${severity ? `${severity.text} (${severity.number})` : 'none'}`, () => {
      expect(detectSeverity(text)).toEqual(severity);
    });
  }
});
