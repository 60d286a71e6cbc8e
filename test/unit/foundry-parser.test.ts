/** The Foundry frame parser's fast timestamp path gives exactly what Date.parse gives. */
import { describe, expect, it } from 'vitest';
import { parseFoundryFrame, parseTimestamp } from '../../src/sources/foundry/parser.ts';

describe('foundry timestamps', () => {
  it('equals Date.parse for the usual form and for every odd one', () => {
    const texts = [
      '2026-03-10T10:00:00.123Z',
      '1970-01-01T00:00:00.000Z',
      '2024-02-28T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z',
      '2026-02-30T12:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-03-10T24:00:00.000Z',
      '2026-03-10T10:60:00.000Z',
      '2026-03-10T10:00:60.000Z',
      '0050-03-10T10:00:00.000Z',
      '0999-03-10T10:00:00.000Z',
      '2026-03-10T10:00:00.12Z',
      '2026-03-10T10:00:00.1234Z',
      '2026-03-10T10:00:00+01:00',
      '2026-03-10 10:00:00.123Z',
      '2026-03-1OT10:00:00.123Z',
      '2026/03/10T10:00:00.123Z',
      'x026-03-10T10:00:00.123Z',
      'not a timestamp at all!!',
      '',
    ];
    for (let t = Date.parse('2026-03-10T10:00:00.000Z'), i = 0; i < 2000; i++, t += 86_399_997) texts.push(new Date(t).toISOString());
    // The same second again (its value is reused), with odd millisecond parts and endings.
    for (const tail of ['456Z', '000Z', '999Z', '1a3Z', '12 Z', '123z', '123+', '-12Z', '12.Z']) {
      texts.push('2026-03-10T10:00:00.123Z', `2026-03-10T10:00:00.${tail}`, `2026-03-10T10:00:01.${tail}`);
    }
    for (const text of texts) expect([text, parseTimestamp(text)]).toEqual([text, Date.parse(text)]);
  });

  it('frames without extra keys carry no platform attributes; status lines do', () => {
    const plain = parseFoundryFrame({ event: undefined, data: '{"timestamp":"2026-03-10T10:00:00.123Z","stream":"stdout","message":"hi"}' });
    expect(plain).toMatchObject({ kind: 'entry', timeMs: Date.parse('2026-03-10T10:00:00.123Z'), entry: { body: 'hi', iostream: 'stdout', attributes: undefined } });
    const status = parseFoundryFrame({ event: 'log', data: '{"timestamp":"2026-03-10T10:00:00.123Z","stream":"status","message":"up","x":{"a":1}}' });
    expect(status).toMatchObject({ entry: { level: 'INFO', attributes: { 'foundry.x': '{"a":1}', 'foundry.log.stream': 'status' } } });
  });
});
