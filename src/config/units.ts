// Durations and sizes as people write them in YAML ("10s", "4MiB"), turned into the plain numbers
// (milliseconds, bytes) the rest of the daemon uses.

/** Outcome of parsing a unit value: the number, or a message plus a hint saying how to fix it. */
export type UnitResult = { ok: true; value: number } | { ok: false; message: string; hint: string };

const DURATION_HINT = 'durations look like 500ms, 10s, 1.5s, 5m, 1h or 1h30m';
const SIZE_HINT = 'sizes look like 512KiB, 4MiB, 1GiB or 10KB; a plain integer is bytes';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
// Sticky: the parts of a compound duration must follow each other with nothing in between.
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/y;

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};
const SIZE_TEXT = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;

const fail = (message: string, hint: string): UnitResult => ({ ok: false, message, hint });

function checkNumber(input: number, what: string, hint: string): UnitResult {
  if (!Number.isFinite(input) || input < 0) return fail(`${what} must be a non-negative number`, hint);
  return { ok: true, value: Math.round(input) };
}

/** Parses a duration into milliseconds without throwing (used by the config schema). */
export function checkDuration(input: unknown): UnitResult {
  // A bare number is ambiguous (`timeout: 10` as 10 ms would time out every request): make the author say which.
  if (typeof input === 'number') return fail(`duration ${input} has no unit`, `write ${input}s or ${input}ms`);
  if (typeof input !== 'string') return fail('expected a duration', DURATION_HINT);
  const text = input.trim().toLowerCase();
  if (text === '') return fail('empty duration', DURATION_HINT);
  // A bare "30" in a string is ambiguous (seconds? milliseconds?): make the author say which.
  if (/^\d+(\.\d+)?$/.test(text)) return fail(`duration "${input}" has no unit`, `write ${text}ms or ${text}s`);
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (!m) return fail(`invalid duration "${input}"`, DURATION_HINT);
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? Number.NaN);
    pos = DURATION_PART.lastIndex;
  }
  return checkNumber(total, 'a duration', DURATION_HINT);
}

/** Parses a size into bytes without throwing (used by the config schema). */
export function checkSize(input: unknown): UnitResult {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) return fail('a size must be a whole number of bytes', SIZE_HINT);
    return checkNumber(input, 'a size', SIZE_HINT);
  }
  if (typeof input !== 'string') return fail('expected a size', SIZE_HINT);
  const m = SIZE_TEXT.exec(input.trim());
  const factor = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    const unit = m?.[2]?.toLowerCase();
    // "4M" / "512k" are the usual slips; say which spellings exist instead of guessing.
    const hint = unit && ['k', 'm', 'g', 't'].includes(unit)
      ? `write ${m?.[1] ?? ''}${unit.toUpperCase()}iB for binary or ${m?.[1] ?? ''}${unit.toUpperCase()}B for decimal units`
      : SIZE_HINT;
    return fail(`invalid size "${input}"`, hint);
  }
  const bytes = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes)) return fail(`size "${input}" is too large`, SIZE_HINT);
  return { ok: true, value: bytes };
}

function unwrap(result: UnitResult): number {
  if (result.ok) return result.value;
  throw new RangeError(`${result.message}: ${result.hint}`);
}

/** `'500ms' | '10s' | '5m' | '1h' | '1.5s' | '1h30m'` or integer milliseconds → milliseconds. Throws a RangeError on garbage. */
export function parseDuration(input: string | number): number {
  return unwrap(checkDuration(input));
}

/** `'512KiB' | '4MiB' | '1GiB' | '10KB'`, a digits-only string or an integer → bytes. Throws a RangeError on garbage. */
export function parseSize(input: string | number): number {
  return unwrap(checkSize(input));
}
