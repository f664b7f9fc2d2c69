/**
 * Validation messages: a schema's issues as one line, for deny reasons and typed errors. The
 * issue texts themselves come from stdlib's `validationMessage`, shared with `agp eval`.
 */

/** One issue of a schema, as zod reports it. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `resource.amount: expected number, received string; env.hour: ...` (at most five issues). */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : "";
  return (shown.join("; ") || "the request does not fit the policy's schema") + more;
}
