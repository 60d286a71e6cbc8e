import { describe, it, expect } from 'vitest';
import { parseDuration, parseSize } from '../../src/config/units.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500], ['10s', 10_000], ['5m', 300_000], ['1h', 3_600_000], ['1.5s', 1500],
    ['1h30m', 5_400_000], [' 2s ', 2000], ['0s', 0],
  ] as const)('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'abc', '10', '10x', '-5s', 's', '1.2.3s', '10 s s', '1d'])('rejects %j with the accepted format', (input) => {
    expect(() => parseDuration(input)).toThrow(/duration.*(500ms|10s)/);
  });

  it('asks for a unit instead of guessing one', () => {
    expect(() => parseDuration('30')).toThrow('duration "30" has no unit: write 30ms or 30s');
  });

  it('rejects plain numbers: a unit is required (timeout: 10 must not mean 10 ms)', () => {
    expect(() => parseDuration(250)).toThrow('duration 250 has no unit: write 250s or 250ms');
    expect(() => parseDuration(0)).toThrow(/no unit/);
  });
});

describe('parseSize', () => {
  it.each([
    ['512KiB', 512 * 1024], ['4MiB', 4 * 1024 ** 2], ['1GiB', 1024 ** 3], ['10KB', 10_000], ['1MB', 1_000_000],
    ['1.5KiB', 1536], ['100', 100], ['100B', 100], ['4 MiB', 4 * 1024 ** 2], ['4mib', 4 * 1024 ** 2], [2048, 2048],
  ] as const)('%s → %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it('suggests both spellings for a bare prefix', () => {
    expect(() => parseSize('4M')).toThrow('invalid size "4M": write 4MiB for binary or 4MB for decimal units');
  });

  it.each(['', 'big', '-1KiB', '4XB', 'MiB'])('rejects %j with the accepted format', (input) => {
    expect(() => parseSize(input)).toThrow(/size.*512KiB/);
  });

  it('rejects fractional and negative byte counts', () => {
    expect(() => parseSize(1.5)).toThrow(/whole number/);
    expect(() => parseSize(-1)).toThrow(/non-negative/);
  });
});
