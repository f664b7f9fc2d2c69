/**
 * Validation messages: a schema's issues as one line, for deny reasons and typed errors. The
 * issue texts and the field paths come from stdlib (`validationMessage`, `formatPath`), so
 * the runtime names a field exactly as `agp eval` does.
 */
import { formatPath } from "../stdlib/schemas.js";

/** One issue of a schema, as zod reports it. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `resource.amount: expected a number, got ...; entities[0].id: ...` (at most five issues). */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => (issue.path.length === 0 ? issue.message : `${formatPath(issue.path)}: ${issue.message}`));
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : "";
  return (shown.join("; ") || "the request does not fit the policy's schema") + more;
}
