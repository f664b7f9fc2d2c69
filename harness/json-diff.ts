/**
 * A line diff of two JSON values, printed with two-space indentation: the lines only in
 * the expected value start with `-`, those only in the actual one with `+`, shared lines
 * with two spaces. Decisions are a few dozen lines, so a quadratic LCS is plenty.
 */

/**
 * The diff lines of `expected` against `actual`, or an empty list when they are the same
 * JSON. Object members compare in any order (both sides are printed with sorted keys, as
 * `jq -S` would write them); lists compare in order.
 */
export function jsonDiff(expected: unknown, actual: unknown): string[] {
  const before = JSON.stringify(sortedKeys(expected), null, 2).split("\n");
  const after = JSON.stringify(sortedKeys(actual), null, 2).split("\n");
  if (before.join("\n") === after.join("\n")) return [];
  // lengths[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] = before[i] === after[j] ? (lengths[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      lines.push(`  ${before[i++]}`);
      j++;
    } else if (i < before.length && (j >= after.length || (lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))) {
      lines.push(`- ${before[i++]}`);
    } else {
      lines.push(`+ ${after[j++]}`);
    }
  }
  return lines;
}

/** `value` with the keys of every object in sorted order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortedKeys(record[key])]),
  );
}
