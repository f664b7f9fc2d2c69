/**
 * Typed errors and refusal reasons of the runtime. Requests and redeems never throw (they
 * return a deny or a refusal with a reason code); only calls whose misuse is a programming
 * or operator error (opening a session with a bad principal, resolving an unknown review)
 * throw an {@link AgpRuntimeError}.
 */

/** Why a runtime call was refused; stable codes, safe to match on. */
export type RuntimeErrorCode =
  | "unknown_intent"
  | "invalid_principal"
  | "principal_revoked"
  | "unknown_session"
  | "unknown_review"
  | "review_already_resolved"
  | "invalid_policy"
  | "invalid_option"
  | "invalid_target"
  | "invalid_resolution"
  | "invalid_anchor"
  | "store_unavailable";

/** An error thrown by the runtime's management calls, with a stable {@link RuntimeErrorCode}. */
export class AgpRuntimeError extends Error {
  override readonly name = "AgpRuntimeError";

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why `redeem` refused a token. Each failure has its own code so that services and
 * auditors can tell a forged token from an expired or a revoked one.
 */
export type RedeemFailureReason =
  | "malformed"
  | "bad_signature"
  | "unknown_key"
  | "expired"
  | "not_yet_valid"
  | "wrong_audience"
  | "wrong_issuer"
  | "wrong_action"
  | "wrong_resource"
  | "unknown_grant"
  | "grant_revoked"
  | "session_revoked"
  | "session_ended"
  | "session_suspended"
  | "principal_revoked"
  | "invalid_expectation"
  | "store_unavailable";

/** The message of an unknown thrown value, for reasons and audit entries. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
