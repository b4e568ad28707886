// Suggestions for misspelt keys and names in user files.

/**
 * Edit distance counting single-character insertions, deletions, substitutions and swaps of
 * two adjacent characters (optimal string alignment), so `cnov` is one edit from `conv`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2][j - 2] + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/**
 * Finds the candidate that `input` most likely meant. A case-insensitive match wins. Otherwise
 * the closest candidate by edit distance wins if at most a third of the longer name differs,
 * with at least one edit always allowed. Returns undefined when nothing is that close.
 */
export function nearestName(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const caseMatch = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (caseMatch !== undefined) return caseMatch;

  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Builds the hint for an unknown name: the nearest valid spelling if any, then the valid names. */
export function unknownNameHint(kind: string, input: string, candidates: readonly string[]): string {
  const nearest = nearestName(input, candidates);
  const suggestion = nearest === undefined ? '' : `did you mean ${nearest}? `;
  return `unknown ${kind}; ${suggestion}valid ${kind}s: ${candidates.join(', ')}`;
}
