/**
 * Shorten text for a log line, an error or /readyz without cutting a token in half: secrets are
 * scrubbed by value, and half a secret would no longer match. A run of token characters that
 * straddles the cut is kept whole (up to `TOKEN_MAX` more characters; JWTs run to a few KiB).
 */
const TOKEN_CHAR = /[A-Za-z0-9._~+/=-]/;
const TOKEN_MAX = 8192;

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const limit = Math.min(text.length, max + TOKEN_MAX);
  if (end > 0 && TOKEN_CHAR.test(text[end - 1]!)) while (end < limit && TOKEN_CHAR.test(text[end]!)) end++;
  return text.slice(0, end);
}
