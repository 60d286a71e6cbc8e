// "did you mean" suggestions for unknown keys and enum values: the closest allowed word by edit
// distance, if it is close enough to be a plausible typo.

/**
 * Levenshtein distance (insert, delete, substitute each cost 1), also counting a swap of two
 * neighbouring letters as 1: "tial" is one slip away from "tail", not two.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}

// Case and -/_ differences are the most common slips (apiKey, api-key): compare without them.
const normalise = (word: string): string => word.toLowerCase().replaceAll('-', '_');

/** The candidate closest to `word`, or undefined when none is within a third of its length. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const target = normalise(word);
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(target.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(target, normalise(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
