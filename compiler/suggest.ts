/**
 * "Did you mean …" suggestions for misspelt names: the candidates closest to what was
 * written by edit distance, within a distance that scales with the name's length.
 */
export function suggestNames(written: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.floor(written.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const name of candidates) {
    if (name === written) continue;
    const distance = editDistance(written.toLowerCase(), name.toLowerCase());
    if (distance <= limit) scored.push({ name, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

/** A `help` text naming the suggestions, or undefined when there are none. */
export function didYouMean(written: string, candidates: Iterable<string>): string | undefined {
  const names = suggestNames(written, candidates);
  if (names.length === 0) return undefined;
  return `did you mean ${names.map((n) => `\`${n}\``).join(" or ")}?`;
}

/** Damerau–Levenshtein distance (optimal string alignment): a swap of neighbours costs one. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}
