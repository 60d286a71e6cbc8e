// Secret values out of text: the last line of defence for log lines, /readyz, /metrics and
// validate output. Kept free of the config schema so the logger can use it without loading it.

export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each secret (of 4 characters or more: shorter ones would blank out
 * ordinary words) with [REDACTED]. Longest first, so a secret containing another is fully hidden.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.replaceAll(secret, REDACTED);
  }
  return out;
}

// Secrets read from files at run time (`token_file:`…) change while the daemon runs: every value
// read is remembered here, process-wide, so every redacting writer scrubs it from then on.
const learned = new Set<string>();
let learnedVersion = 0;

/** Remembers a secret value read at run time. */
export function learnSecret(value: string): void {
  if (value === '' || learned.has(value)) return;
  learned.add(value);
  learnedVersion += 1;
}

/** Every secret value learned so far, with a version that changes whenever one is added. */
export function learnedSecrets(): { version: number; values: Iterable<string> } {
  return { version: learnedVersion, values: learned };
}
