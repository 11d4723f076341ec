/** Did-you-mean for typos: the one known word a misspelt key or command most plausibly meant. */

/** Optimal-string-alignment distance: Levenshtein plus swapping two neighbours (`nmae` → `name`) as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The one candidate a typo most plausibly meant: differing only in case or `-`/`_`, or within a few edits
 * (fewer for short words), and strictly closer than any other candidate.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/_/g, '-');
  const target = normal(word);
  const allowed = target.length <= 4 ? 1 : target.length <= 8 ? 2 : 3;
  const ranked = candidates
    .map((candidate) => ({ candidate, distance: editDistance(target, normal(candidate)) }))
    .sort((a, b) => a.distance - b.distance);
  const [best, second] = ranked;
  if (!best || best.distance > allowed) return undefined;
  if (second && second.distance === best.distance) return undefined;
  return best.candidate;
}
