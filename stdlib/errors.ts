/**
 * The one error a compiled policy's run-time helpers throw. Generated `decide` catches it
 * and denies the request with its message as the reason ("error in rule `x`: ..."), so a
 * bad value or a missing entity never allows anything.
 */

/**
 * An error while evaluating a policy on one request: an unknown time zone, a malformed IP
 * address or CIDR, a missing entity, a time out of range. Messages follow Cedar's style:
 * lowercase, one line, no final period, user text in backticks.
 */
export class EvaluationError extends Error {
  override readonly name = "EvaluationError";

  constructor(message: string) {
    super(message);
  }
}

/** True for an {@link EvaluationError}, also one thrown by another copy of this module. */
export function isEvaluationError(error: unknown): error is EvaluationError {
  return error instanceof EvaluationError || (error instanceof Error && error.name === "EvaluationError");
}

/**
 * Quotes user text for a message: in backticks, clipped to 200 characters, with control
 * characters and backticks escaped so one message stays one line whatever the input.
 */
export function quoteUserText(text: string): string {
  const MAX = 200;
  const clipped = text.length > MAX ? `${text.slice(0, MAX)}…` : text;
  return "`" + clipped.replace(/[\u0000-\u001f\u007f\u2028\u2029`]/g, escapeCharacter) + "`";
}

function escapeCharacter(character: string): string {
  if (character === "`") return "\\`";
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
