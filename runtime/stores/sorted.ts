/** Searching the sorted time series that history indexes keep. */

/**
 * The first position whose value is greater than `value`, searched from the end: decisions
 * count the last minutes of a long history, so a galloping search from the tail touches
 * O(log k) entries for the k in the window, not O(log n) spread over the whole series.
 */
export function upperBound(sorted: readonly number[], value: number): number {
  let high = sorted.length;
  let step = 1;
  let low = high - step;
  while (low >= 0 && (sorted[low] ?? -Infinity) > value) {
    high = low;
    step *= 2;
    low = high - step;
  }
  // INVARIANT: sorted[low] <= value (or low < 0), and every element from `high` on is > value.
  low = Math.max(low + 1, 0);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
